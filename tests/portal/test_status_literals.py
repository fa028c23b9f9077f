"""Statuses are compared and set with their enums, never with a string literal.

Reads the Python sources of portal/, programs/ and startups/ (migrations and
the enum definitions themselves excepted) and fails on a status value
written as a string where a status is compared (`x.status == "draft"`,
`status in ("draft", ...)`), set (`x.status = "open"`), filtered
(`status="active"`, `review__status__in=[...]`) or decided
(`decision="selected"`, `to="funded"`).
"""

import ast
from pathlib import Path

from programs.models import AssignmentStatus, AwardStatus, ReviewStatus
from startups.enums import ApplicationStatus, ProgramStatus

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "programs", "startups")
STATUS_VALUES = {
    str(value)
    for enum in (ApplicationStatus, ProgramStatus, ReviewStatus, AssignmentStatus, AwardStatus)
    for value in enum.values
}
STATUS_KEYWORDS = {"status", "decision", "to", "from_status", "to_status"}


def _literals(node: ast.AST) -> list[str]:
    """The status values written literally in this expression (a string or a collection)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if node.value in STATUS_VALUES else []
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [value for element in node.elts for value in _literals(element)]
    return []


def _is_status_keyword(name: str | None) -> bool:
    if name is None:
        return False
    bare = name.removesuffix("__in")
    return bare in STATUS_KEYWORDS or bare.endswith("__status")


def _mentions_status(node: ast.AST) -> bool:
    text = ast.unparse(node)
    return "status" in text or "decision" in text


def _choices_classes(tree: ast.AST) -> set[int]:
    """Nodes inside enum class bodies (`class X(models.TextChoices)`)."""
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
            ast.unparse(base).endswith("Choices") for base in node.bases
        ):
            inside.update(id(sub) for sub in ast.walk(node))
    return inside


def status_literals(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    in_enum = _choices_classes(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if id(node) in in_enum:
            continue
        if isinstance(node, ast.keyword) and _is_status_keyword(node.arg):
            found += [(node.value.lineno, value) for value in _literals(node.value)]
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            for operand in operands:
                others = [o for o in operands if o is not operand]
                if any(_mentions_status(o) for o in others):
                    found += [(operand.lineno, value) for value in _literals(operand)]
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and any(
                isinstance(t, ast.Attribute) and t.attr == "status" for t in targets
            ):
                found += [(node.lineno, value) for value in _literals(node.value)]
    return sorted(found)


def _sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts or path.name == "enums.py":
                continue
            yield path


def test_status_literals_detector_finds_each_form():
    source = (
        'if application.status == "draft": pass\n'
        'ok = review.status in ("submitted", "draft")\n'
        'program.status = "open"\n'
        'Assignment.objects.filter(status="active", review__status__in=["submitted"])\n'
        'application_decide(application=a, decision="selected", actor=u)\n'
        'label = _("released")\n'
        'row = {"selected": 1}\n'
        "if application.status == ApplicationStatus.DRAFT: pass\n"
    )
    assert status_literals(source) == [
        (1, "draft"),
        (2, "draft"),
        (2, "submitted"),
        (3, "open"),
        (4, "active"),
        (4, "submitted"),
        (5, "selected"),
    ]


def test_no_status_string_literals_outside_enums_and_migrations():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for path in _sources()
        for line, value in status_literals(path.read_text(encoding="utf-8"))
    ]
    assert found == []
