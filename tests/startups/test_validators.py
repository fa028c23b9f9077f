import pytest
from django.core.exceptions import ValidationError

from startups.validators import bin_check_digit, make_bin, validate_bin


def test_bin_valid_passes():
    validate_bin("180440001235")


def test_bin_check_digit_uses_second_weights_when_first_gives_ten():
    # 11 digits whose first weighted sum is 10 mod 11 fall back to 3..11,1,2.
    prefix = next(
        f"{n:011d}"
        for n in range(10**10, 10**10 + 10**6)
        if sum(int(c) * w for c, w in zip(f"{n:011d}", range(1, 12), strict=True)) % 11 == 10
    )
    expected = (
        sum(int(c) * w for c, w in zip(prefix, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2), strict=True))
        % 11
    )
    assert bin_check_digit(prefix) == (None if expected == 10 else expected)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("180440001236", "bin_checksum"),  # last digit changed
        ("18044000123", "bin_length"),  # 11 digits
        ("1804400012355", "bin_length"),  # 13 digits
        ("18044000123a", "bin_length"),  # a letter
        ("", "bin_length"),
        ("181340001230", "bin_month"),  # month 13
        ("180040001230", "bin_month"),  # month 00
        ("180470001230", "bin_type"),  # 5th digit 7
        ("180449001230", "bin_attribute"),  # 6th digit 9
    ],
)
def test_bin_invalid_is_refused_with_reason(value, code):
    with pytest.raises(ValidationError) as info:
        validate_bin(value)
    assert info.value.code == code


def test_bin_any_other_check_digit_is_refused():
    good = make_bin("20054000777")
    for digit in "0123456789":
        if digit != good[-1]:
            with pytest.raises(ValidationError) as info:
                validate_bin(good[:-1] + digit)
            assert info.value.code == "bin_checksum"


def test_bin_make_bin_output_validates():
    for prefix in ["18044000123", "21104100001", "99126300042"]:
        validate_bin(make_bin(prefix))


def test_bin_scheme_cannot_catch_every_single_digit_typo():
    # A property of the official mod-11 scheme, not of this code: when the
    # first weighted sum gives 10, the second pass can map a typo onto the
    # same check digit. The portal checks the number; it cannot prove it.
    good = make_bin("20054000777")
    typo = "0" + good[1:]
    validate_bin(good)
    validate_bin(typo)
    assert typo != good
