"""Percent, pass/fail and display exactly as docs/domain.md writes them."""

from decimal import Decimal

import pytest

from aggregation.numbers import (
    NO_DATA,
    display,
    display_target,
    format_decimal,
    format_int,
    passed,
    percent,
)


@pytest.mark.parametrize(
    ("num", "den", "text"),
    [
        (3323, 3501, "3.323/3.501 = 94,92%"),
        (613, 613, "613/613 = 100%"),
        (1, 8, "1/8 = 12,5%"),
        (2, 3, "2/3 = 66,67%"),
        (1, 6, "1/6 = 16,67%"),
        (3420, 4551, "3.420/4.551 = 75,15%"),
        (2526, 3501, "2.526/3.501 = 72,15%"),
        (1789, 2150, "1.789/2.150 = 83,21%"),
        (0, 7, "0/7 = 0%"),
        (1, 200, "1/200 = 0,5%"),
        (1, 400, "1/400 = 0,25%"),
        (1, 800, "1/800 = 0,13%"),  # 0,125 rounds half up
        (1234567, 2469134, "1.234.567/2.469.134 = 50%"),
    ],
)
def test_display(num, den, text):
    assert display(num, den) == text


def test_half_up_on_the_exact_fraction():
    assert percent(1, 8) == Decimal("12.50")
    assert percent(2, 3) == Decimal("66.67")
    assert percent(1, 6) == Decimal("16.67")
    assert percent(1, 800) == Decimal("0.13")  # 0.125 exactly: up, not to even
    assert percent(3, 800) == Decimal("0.38")  # 0.375 exactly
    assert percent(1, 3, decimals=0) == Decimal("33")
    assert percent(1, 8, decimals=1) == Decimal("12.5")


def test_denominator_zero():
    assert percent(0, 0) is None
    assert passed(0, 0, 50) is None
    assert display(0, 0) == NO_DATA == "Chưa có dữ liệu"


def test_pass_fail_on_exact_fraction_not_rounded_figure():
    assert passed(3420, 4551, 75) is True  # 75,148…%
    assert passed(7499, 10000, 75) is False  # 74,99% even if shown rounded to 75
    assert passed(2999, 4000, Decimal("75")) is False  # 74,975% would display as 74,98%
    assert passed(14999, 20000, 75) is False  # 74,995% displays "75%" yet fails
    assert display(14999, 20000) == "14.999/20.000 = 75%"


def test_strictly_greater_versus_at_least_at_equality():
    assert passed(7, 10, 70, ">=") is True
    assert passed(7, 10, 70, ">") is False
    assert passed(71, 100, 70, ">") is True
    assert passed(5, 8, Decimal("62.5"), ">=") is True
    assert passed(5, 8, Decimal("62.5"), ">") is False
    assert passed(613, 613, 100) is True


def test_thousands_and_decimals():
    assert format_int(0) == "0"
    assert format_int(999) == "999"
    assert format_int(1000) == "1.000"
    assert format_int(1234567) == "1.234.567"
    assert format_decimal(Decimal("94.920")) == "94,92"
    assert format_decimal(Decimal("100.00")) == "100"
    assert format_decimal(Decimal("1234.5")) == "1.234,5"
    assert display_target(Decimal("65"), ">=") == "≥ 65%"
    assert display_target(Decimal("70"), ">") == "> 70%"
    assert display_target(None) == ""
