"""The Russian and Kazakh catalogues hold every string, all translated, their .mo files current."""

import ast
import gettext
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from portal.management.commands.messages_check import missing_msgids

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr list, flags."""
    entries, current, key = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current is not None:
                entries.append(current)
            current, key = None, None
            continue
        if line.startswith("#~"):
            continue
        if current is None:
            current = {"flags": set(), "msgctxt": None, "msgid_plural": None, "msgstr": {}}
        if line.startswith("#,"):
            current["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(key, tuple):
                current["msgstr"][key[1]] += value
            else:
                current[key] += value
        else:
            word, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if word.startswith("msgstr["):
                key = ("msgstr", int(word[7:-1]))
                current["msgstr"][key[1]] = value
            elif word == "msgstr":
                key = ("msgstr", 0)
                current["msgstr"][0] = value
            else:
                key = word
                current[key] = value
    return [e for e in entries if e.get("msgid")]


# The portal's strings, and the admin's JavaScript strings (calendar, selector).
CATALOGUES = [("django", 300), ("djangojs", 60)]


@pytest.mark.parametrize("language", ["ru", "kk"])
@pytest.mark.parametrize(("domain", "at_least"), CATALOGUES)
def test_catalogue_is_complete(language, domain, at_least):
    entries = parse_po(LOCALE / language / "LC_MESSAGES" / f"{domain}.po")
    assert len(entries) > at_least
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert (untranslated, fuzzy) == ([], [])


@pytest.mark.parametrize("language", ["ru", "kk"])
@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_compiled_catalogue_matches_the_source(language, domain):
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / f"{domain}.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in parse_po(folder / f"{domain}.po"):
        msgid = entry["msgid"]
        if entry["msgctxt"]:
            got = compiled.pgettext(entry["msgctxt"], msgid)
        elif entry["msgid_plural"]:
            got = compiled.ngettext(msgid, entry["msgid_plural"], 1)
        else:
            got = compiled.gettext(msgid)
        if got != entry["msgstr"][0]:
            stale.append(msgid)
    assert stale == [], "run `make messages` to recompile the .mo files"


def test_every_translatable_string_is_in_the_catalogues():
    """A string added to a template or the source without `make messages` fails here.

    The same check as `make messages-check` (run by `make lint`): makemessages
    on a temporary copy of the project, compared with locale/.
    """
    missing = missing_msgids(Path(settings.BASE_DIR))
    assert missing == {"ru": [], "kk": []}


def test_messages_check_names_a_string_missing_from_the_catalogues(tmp_path):
    """The check itself: a template with a new string makes it fail, naming the string."""
    root = tmp_path / "project"
    root.mkdir()
    source = Path(settings.BASE_DIR)
    for name in ("manage.py", "portal", "startups", "programs", "templates", "locale"):
        if (source / name).is_dir():
            shutil.copytree(
                source / name, root / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source / name, root / name)
    (root / "templates" / "new_page.html").write_text(
        '{% load i18n %}<p>{% translate "A sentence nobody has translated yet" %}</p>',
        encoding="utf-8",
    )
    missing = missing_msgids(root)
    assert missing == {
        "ru": [(None, "A sentence nobody has translated yet")],
        "kk": [(None, "A sentence nobody has translated yet")],
    }
