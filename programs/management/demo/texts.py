"""Application texts in the founder's language, composed from the phrase banks.

Each answer section takes two or three of its sentences in the bank's order
and fills their slots with the team's sector, place and figures, so two
teams of one sector still read differently.
"""

from random import Random
from types import ModuleType

from programs.management.demo import phrases_en, phrases_kk, phrases_ru

LANGUAGES = ("en", "ru", "kk")
BANKS: dict[str, ModuleType] = {"en": phrases_en, "ru": phrases_ru, "kk": phrases_kk}
SECTIONS = tuple(phrases_en.SECTIONS)


def _figures(rng: Random, *, team_size: int, amount_millions: int) -> dict[str, object]:
    pilots = rng.randint(2, 12)
    return {
        "interviews": rng.randrange(20, 160, 5),
        "market": f"{rng.randrange(2, 90) * 1000:,}".replace(",", " "),
        "growth": rng.randint(6, 35),
        "months": rng.randint(4, 11),
        "pilots": pilots,
        "paying": rng.randint(1, pilots),
        "revenue": rng.randint(3, 180),
        "users": rng.randrange(50, 5000, 10),
        "team": team_size,
        "years": rng.randint(2, 4),
        "amount": amount_millions,
        "target": rng.randrange(20, 400, 10),
    }


def _slots(sector: str, language: str, name: str, place: str) -> dict[str, str]:
    product, customers, pain = BANKS[language].SECTORS[sector]
    return {"product": product, "customers": customers, "pain": pain, "name": name, "place": place}


def description(rng: Random, *, name: str, sector: str, language: str, place: str) -> str:
    """The startup's one-line description."""
    template = rng.choice(BANKS[language].DESCRIPTION)
    return template.format(**_slots(sector, language, name, place))


def answers(
    rng: Random,
    *,
    name: str,
    sector: str,
    language: str,
    place: str,
    team_size: int,
    amount_millions: int,
    sections: tuple[str, ...] = SECTIONS,
) -> dict[str, str]:
    """The answer to each of `sections`, two or three sentences each."""
    values = {
        **_slots(sector, language, name, place),
        **_figures(rng, team_size=team_size, amount_millions=amount_millions),
    }
    bank = BANKS[language].SECTIONS
    out = {}
    for section in sections:
        sentences = bank[section]
        # The first sentence states the point; the others support it.
        picked = [0, *sorted(rng.sample(range(1, len(sentences)), rng.randint(1, 2)))]
        out[section] = " ".join(sentences[i].format(**values) for i in picked)
    return out


def review_note(rng: Random, language: str) -> str:
    return rng.choice(BANKS[language].REVIEW_NOTES)


def team_comment(number: int, language: str) -> str:
    """A reviewer's comment for the team, chosen by number (the random streams stay as they are)."""
    comments = BANKS[language].TEAM_COMMENTS
    return comments[number % len(comments)]


def pitch(description: str) -> str:
    """A startup's description cut to a one-line pitch (at most 140 characters)."""
    description = " ".join(description.split())
    if len(description) <= 140:
        return description
    return description[:139].rsplit(" ", 1)[0] + "…"
