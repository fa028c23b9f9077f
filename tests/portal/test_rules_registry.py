"""Every registered permission is asked by the code and answered by a test.

A permission registered but never asked is a rule nobody enforces; one
asked but never tested can drift. The code may name a permission by its
string or by a constant defined in its app's rules module.
"""

import importlib
from pathlib import Path

import pytest
import rules.permissions

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "programs", "startups")
THIS = Path(__file__).resolve()


def _spellings(name: str) -> set[str]:
    app = name.split(".", 1)[0]
    spellings = {f'"{name}"'}
    try:
        module = importlib.import_module(f"{app}.rules")
    except ModuleNotFoundError:
        return spellings
    spellings |= {
        constant for constant, value in vars(module).items() if value == name and constant.isupper()
    }
    return spellings


def _sources(folders, *, skip):
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts or path.resolve() in skip:
                continue
            yield path, path.read_text(encoding="utf-8")


def _code_that_asks(name: str) -> list[str]:
    registering = {(ROOT / app / "rules.py").resolve() for app in APPS}
    spellings = _spellings(name)
    return [
        str(path.relative_to(ROOT))
        for path, text in _sources(APPS, skip=registering)
        if any(s in text for s in spellings)
    ]


def _tests_that_answer(name: str) -> list[str]:
    return [
        str(path.relative_to(ROOT))
        for path, text in _sources(["tests"], skip={THIS})
        if f'"{name}"' in text
    ]


REGISTERED = sorted(rules.permissions.permissions)


def test_the_registry_holds_the_apps_permissions():
    assert REGISTERED == [
        "programs.edit_milestone_report",
        "programs.edit_review",
        "programs.manage_programs",
        "programs.review_applications",
        "programs.review_assignment",
        "programs.see_other_reviews",
        "programs.view_milestone_report",
        "startups.change_publication",
        "startups.download_pitch_deck",
        "startups.manage_team",
        "startups.withdraw_application",
    ]


@pytest.mark.parametrize("name", REGISTERED)
def test_every_permission_is_asked_by_the_code(name):
    assert _code_that_asks(name), f"{name} is registered but nothing asks it"


@pytest.mark.parametrize("name", REGISTERED)
def test_every_permission_has_a_test(name):
    assert _tests_that_answer(name), f"{name} is asked but no test answers it"


def test_each_app_registers_only_its_own_permissions():
    """No cross-app override: an app's rules module names only its own label."""
    import re

    offenders = []
    for app in APPS:
        path = ROOT / app / "rules.py"
        if not path.exists():
            continue
        source = path.read_text(encoding="utf-8")
        if "set_perm(" in source or "set_rule(" in source:
            offenders.append(f"{app}/rules.py replaces a rule")
        for label in re.findall(r'"(\w+)\.\w+"', source):
            if label in APPS and label != app:
                offenders.append(f"{app}/rules.py names a {label} permission")
    assert offenders == []
