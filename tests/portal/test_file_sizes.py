"""No module a newcomer must hold whole: past ~400 lines a file is split by area.

Every Python file in portal/, programs/ and startups/ is read; migrations
(generated) and portal/settings.py (one flat list of settings) are exempt.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "programs", "startups")
LIMIT = 400
EXEMPT = {"portal/settings.py"}


def _modules() -> dict[str, int]:
    """Each module's path (from the project root) and its number of lines."""
    sizes = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if "/migrations/" in name or name in EXEMPT:
                continue
            sizes[name] = len(path.read_text(encoding="utf-8").splitlines())
    return sizes


def test_no_module_in_the_apps_passes_400_lines():
    too_long = {name: lines for name, lines in _modules().items() if lines > LIMIT}
    assert too_long == {}


def test_the_size_check_reads_every_app_and_skips_only_the_exempt():
    names = set(_modules())
    assert {"portal/urls.py", "programs/services/assignment.py", "startups/services.py"} <= names
    assert {"programs/admin/reviewing.py", "programs/management/commands/seed_demo.py"} <= names
    assert not any("/migrations/" in name for name in names)
    assert "portal/settings.py" not in names
    assert (ROOT / "portal/settings.py").exists()
