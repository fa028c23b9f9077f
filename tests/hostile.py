"""Hostile input shared by the founder and manager hostile-input tests.

Hypothesis strategies for breadth (forms called directly) and a fixed,
representative list for posts through the real views.
"""

from decimal import Decimal, InvalidOperation

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from portal.validators import MULTILINE_REFUSED, SINGLE_LINE_REFUSED

# Examples stay few: the suite must stay fast. Function-scoped fixtures (the
# database) are shared by a test's examples on purpose: the forms don't save.
FEW = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

SCRIPT = "<script>alert(document.cookie)</script>"
SAMPLES = [
    "Қазақ Агро: ӘҒҚҢӨҰҮҺІ әғқңөұүһі",
    "Степные роботы",
    "مرحبا بالعالم",
    "雪豹科技有限公司",
    "🚀🦄👩🏽‍💻 startup",
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE startups_startup; --",
    "1 OR 1=1; SELECT * FROM portal_user",
    '=HYPERLINK("http://evil.example","click")',
    "+7 701 000 00 00",
    "@SUM(A1:A9)",
    "NUL\x00byte",
    "bell\x07escape\x1b[31m",
    "del\x7f",
    "line\r\nbreak",
    "tab\there",
    "x" * 20_000,
]
CLEAN_SAMPLES = [s for s in SAMPLES if not SINGLE_LINE_REFUSED.search(s) and len(s) < 200]

hostile_text = st.one_of(
    st.sampled_from(SAMPLES),
    st.text(max_size=400),  # every script, emoji and control character
    # Very long: a short piece of any script repeated, cheap to generate.
    st.builds(
        lambda piece, times: piece * times, st.text(min_size=1, max_size=4), st.integers(800, 3000)
    ),
    st.builds(
        lambda a, b: a + b,
        st.sampled_from(SAMPLES),
        st.text(st.characters(max_codepoint=0x7F), max_size=20),
    ),
)

AMOUNTS = [
    "NaN",
    "sNaN",
    "-NaN",
    "Infinity",
    "-Infinity",
    "inf",
    "1e999",
    "-1e999",
    "1e-999",
    "-1",
    "-0.01",
    "0",
    "9" * 40,
    "12,5",
    "0x10",
    "1_000",
    "١٢٣",  # Arabic-Indic digits
    "",
]
hostile_amount = st.one_of(
    st.sampled_from(AMOUNTS),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=30),
)
DATES = ["2026-02-30", "0000-00-00", "99999-01-01", "2026-13-01", "31/12/2026", "NaN", "\x00", ""]
hostile_date = st.one_of(st.sampled_from(DATES), st.text(max_size=20))


def clean_single_line(value) -> bool:
    return not (isinstance(value, str) and SINGLE_LINE_REFUSED.search(value))


def clean_multiline(value) -> bool:
    return not (isinstance(value, str) and MULTILINE_REFUSED.search(value))


def finite_money(value) -> bool:
    """A stored amount is a finite Decimal of at most two places, or nothing."""
    if value is None:
        return True
    try:
        return value.is_finite() and value == value.quantize(Decimal("0.01"))
    except InvalidOperation:
        return False
