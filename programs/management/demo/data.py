"""The demo's fixed data for `seed_demo`: accounts, criteria, startups, a pitch deck, shares."""

import io

from pypdf import PdfWriter

from startups.enums import ApplicationStatus, Region, Sector, Stage

DEMO_PASSWORD = "demo-portal-2026"

DEMO_ACCOUNTS = [
    # e-mail, full name, language, role
    ("admin@demo.kz", "Aigerim Admin", "en", "superuser"),
    ("manager@demo.kz", "Marat Manager", "ru", "manager"),
    # Reviewers use another domain than the founders': a shared company
    # domain would count as a conflict of interest.
    ("reviewer@experts.kz", "Dana Reviewer", "en", "reviewer"),
    ("reviewer2@experts.kz", "Yerlan Expert", "ru", "reviewer"),
    ("reviewer3@experts.kz", "Saule Expert", "kk", "reviewer"),
    ("reviewer4@experts.kz", "Timur Expert", "ru", "reviewer"),
    ("reviewer5@experts.kz", "Gulnara Expert", "en", "reviewer"),
    ("founder@demo.kz", "Nurlan Founder", "kk", "founder"),
]

# Each criterion's name and guidance in English, Russian and Kazakh, and its weight.
CRITERIA = [
    (
        {"en": "Innovation", "ru": "Инновационность", "kk": "Инновациялылық"},
        {
            "en": "How new is the solution for Kazakhstan and the CIS?",
            "ru": "Насколько решение ново для Казахстана и СНГ?",
            "kk": "Шешім Қазақстан мен ТМД үшін қаншалықты жаңа?",
        },
        "3",
    ),
    (
        {"en": "Market potential", "ru": "Потенциал рынка", "kk": "Нарық әлеуеті"},
        {
            "en": "Size and growth of the market the team can reach.",
            "ru": "Размер и рост рынка, до которого команда может дойти.",
            "kk": "Команда жете алатын нарықтың көлемі мен өсуі.",
        },
        "2",
    ),
    (
        {"en": "Team", "ru": "Команда", "kk": "Команда"},
        {
            "en": "Can this team build and sell it?",
            "ru": "Сможет ли эта команда создать и продать продукт?",
            "kk": "Бұл команда өнімді жасап, сата ала ма?",
        },
        "2",
    ),
    (
        {"en": "Business model", "ru": "Бизнес-модель", "kk": "Бизнес-модель"},
        {
            "en": "Is there a credible path to revenue?",
            "ru": "Есть ли убедительный путь к выручке?",
            "kk": "Табысқа апаратын сенімді жол бар ма?",
        },
        "2",
    ),
    (
        {"en": "Impact", "ru": "Влияние", "kk": "Әсер"},
        {
            "en": "Jobs, technology transfer, social and environmental benefit.",
            "ru": "Рабочие места, трансфер технологий, социальная и экологическая польза.",
            "kk": "Жұмыс орындары, технология трансфері, әлеуметтік және экологиялық пайда.",
        },
        "1",
    ),
]

# The demo programs' texts in the three languages.
PROGRAM_TEXTS = {
    "current": {
        "name": {
            "en": "Startup Kazakhstan 2026",
            "ru": "Стартап Казахстан 2026",
            "kk": "Стартап Қазақстан 2026",
        },
        "description": {
            "en": (
                "A national program that selects 50 promising and innovative projects "
                "from Kazakhstan and the CIS and funds each one in stages, after an "
                "expert review and a selection commission."
            ),
            "ru": (
                "Национальная программа, которая отбирает 50 перспективных и инновационных "
                "проектов из Казахстана и СНГ и финансирует каждый поэтапно после "
                "экспертизы и решения отборочной комиссии."
            ),
            "kk": (
                "Қазақстан мен ТМД-дан 50 перспективалы әрі инновациялық жобаны іріктеп, "
                "сараптама мен іріктеу комиссиясынан кейін әрқайсысын кезең-кезеңімен "
                "қаржыландыратын ұлттық бағдарлама."
            ),
        },
        "decision_message": {
            "en": "Thank you for taking part in Startup Kazakhstan 2026.",
            "ru": "Спасибо за участие в программе «Стартап Казахстан 2026».",
            "kk": "«Стартап Қазақстан 2026» бағдарламасына қатысқаныңыз үшін рақмет.",
        },
    },
    "past": {
        "name": {
            "en": "Startup Kazakhstan 2025",
            "ru": "Стартап Казахстан 2025",
            "kk": "Стартап Қазақстан 2025",
        },
        "description": {
            "en": "Last year's call: decided, funded, tranches being paid.",
            "ru": "Прошлогодний конкурс: решения приняты, гранты выданы, транши выплачиваются.",
            "kk": "Былтырғы конкурс: шешімдер қабылданды, гранттар берілді, транштар төленуде.",
        },
        "decision_message": {"en": "", "ru": "", "kk": ""},
    },
}


def in_languages(texts: dict[str, dict[str, str]]) -> dict[str, str]:
    """{"name": {"en": …}} as the model's columns: {"name_en": …, "name_ru": …}."""
    return {
        f"{field}_{language}": text
        for field, by_language in texts.items()
        for language, text in by_language.items()
    }


def _demo_pdf(pages: int = 3) -> bytes:
    """A real, readable deck (blank A4 landscape pages), as the upload check wants."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=842, height=595)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


DEMO_PDF = _demo_pdf()
S = ApplicationStatus
DEMO_STARTUPS = [
    ("Qazaq Agro Cold", Region.TURKISTAN, Sector.AGRITECH, Stage.MVP, S.DRAFT),
    ("Steppe Robotics", Region.KARAGANDA, Sector.INDUSTRY_40, Stage.REVENUE, S.SUBMITTED),
    ("Tenge Ledger", Region.ALMATY_CITY, Sector.FINTECH, Stage.GROWTH, S.SUBMITTED),
    ("Astana Mobility", Region.ASTANA, Sector.SMART_CITY, Stage.MVP, S.UNDER_REVIEW),
    ("Ulytau Materials", Region.ULYTAU, Sector.NEW_MATERIALS, Stage.IDEA, S.UNDER_REVIEW),
    ("Bilim Cloud", Region.SHYMKENT, Sector.EDTECH, Stage.REVENUE, S.SUBMITTED),
    ("Dala Health", Region.PAVLODAR, Sector.HEALTHTECH, Stage.MVP, S.WITHDRAWN),
]
DEMO_PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.UNDER_REVIEW: [S.SUBMITTED, S.UNDER_REVIEW],
    S.WITHDRAWN: [S.SUBMITTED, S.WITHDRAWN],
}

# How a generated reviewer scores: (name, bias in points on a 1–10 scale,
# spread of the noise). The board's normalisation exists for the first two;
# the noisy one is why three reviews per application are asked.
REVIEWER_STYLES = [
    ("harsh", -1.6, 0.6),
    ("lenient", 1.4, 0.6),
    ("noisy", 0.0, 2.0),
    ("steady", 0.0, 0.5),
]
# Each demo reviewer's style, so the demo logins behave the same every time.
DEMO_REVIEWER_STYLES = {
    "reviewer@experts.kz": "steady",
    "reviewer2@experts.kz": "harsh",
    "reviewer3@experts.kz": "lenient",
    "reviewer4@experts.kz": "noisy",
    "reviewer5@experts.kz": "harsh",
}
# The demo teams the demo manager assigns by hand (left without reviewers).
LEFT_FOR_MANAGER = ["Steppe Robotics", "Tenge Ledger", "Bilim Cloud"]
# Dana (reviewer@experts.kz) keeps this many reviews to do.
DANA_TO_DO = 3
# Of the generated applications: this share never submitted, this share withdrawn.
DRAFT_SHARE = 0.03
WITHDRAWN_SHARE = 0.02
# Founders' languages (the language of their texts): Russian, Kazakh, English.
LANGUAGE_WEIGHTS = {"ru": 45, "kk": 35, "en": 20}
# Startups from Kazakhstan; the rest from the other CIS countries.
KAZAKHSTAN_SHARE = 0.82
