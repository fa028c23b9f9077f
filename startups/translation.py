"""Program and criterion texts in every portal language (django-modeltranslation).

Each registered field gets a column per language (`name_en`, `name_ru`,
`name_kk`); the untranslated column keeps the main language's text for plain
queries. Reading `program.name` gives the reader's language, else the
program's main language (`Program.main_language`; a criterion follows its
program), else any language the text has: modeltranslation's fallbacks are
global, so the descriptor below replaces its own with this per-program one.
Querysets that ask modeltranslation for values fall back in the portal's
language order.
"""

from modeltranslation.fields import TranslationFieldDescriptor
from modeltranslation.translator import TranslationOptions, translator
from modeltranslation.utils import get_language

from startups.models import Criterion, Program
from startups.models.program import CONTENT_LANGUAGES, content_in


class MainLanguageDescriptor(TranslationFieldDescriptor):
    """The text in the active language, else in the object's main language, else any."""

    def __get__(self, instance, owner):
        if instance is None:
            return self
        return content_in(instance, self.field.name, get_language())


class ProgramTranslationOptions(TranslationOptions):
    fields = ("name", "description", "decision_message")
    fallback_languages = {"default": CONTENT_LANGUAGES}


class CriterionTranslationOptions(TranslationOptions):
    fields = ("name", "guidance")
    fallback_languages = {"default": CONTENT_LANGUAGES}


translator.register(Program, ProgramTranslationOptions)
translator.register(Criterion, CriterionTranslationOptions)

for model, options in (
    (Program, ProgramTranslationOptions),
    (Criterion, CriterionTranslationOptions),
):
    for name in options.fields:
        setattr(
            model,
            name,
            MainLanguageDescriptor(
                model._meta.get_field(name), fallback_languages=options.fallback_languages
            ),
        )
