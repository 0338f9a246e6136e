"""Ratios as the reports write them: exact pass/fail, half-up percent, Vietnamese number format."""

from decimal import Decimal
from fractions import Fraction

NO_DATA = "Chưa có dữ liệu"
COMPARATORS = (">=", ">")


def percent(numerator: int, denominator: int, decimals: int = 2) -> Decimal | None:
    """num/den × 100 rounded half up to ``decimals`` places, exactly; None when den is 0."""
    if not denominator:
        return None
    scale = 10**decimals
    quotient, remainder = divmod(numerator * 100 * scale, denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return Decimal(quotient).scaleb(-decimals)


def passed(numerator: int, denominator: int, target, comparator: str = ">=") -> bool | None:
    """Whether the exact fraction meets ``target`` percent; None when den is 0 or no target."""
    if not denominator or target is None:
        return None
    ratio = Fraction(numerator * 100, denominator)
    goal = Fraction(Decimal(str(target)))
    return ratio > goal if comparator == ">" else ratio >= goal


def format_int(value: int) -> str:
    """3501 → '3.501' (dot as thousands separator)."""
    sign = "-" if value < 0 else ""
    return sign + f"{abs(value):,}".replace(",", ".")


def format_decimal(value) -> str:
    """94.920 → '94,92'; 100.00 → '100'; 12.50 → '12,5' (comma decimals, no trailing zeros)."""
    value = Decimal(str(value))
    whole, _, frac = f"{abs(value):f}".partition(".")
    frac = frac.rstrip("0")
    text = format_int(int(whole)) + ("," + frac if frac else "")
    return ("-" + text) if value < 0 else text


def format_percent(value) -> str:
    """A percent figure as the reports print it: '94,92%'."""
    return format_decimal(value) + "%"


def display(numerator: int, denominator: int, decimals: int = 2) -> str:
    """'3.323/3.501 = 94,92%', or 'Chưa có dữ liệu' when the denominator is 0."""
    value = percent(numerator, denominator, decimals)
    if value is None:
        return NO_DATA
    return f"{format_int(numerator)}/{format_int(denominator)} = {format_percent(value)}"


def display_target(target, comparator: str = ">=", unit: str = "%") -> str:
    """'≥ 65%' or '> 70%' for a target; '' when there is none."""
    if target is None:
        return ""
    sign = "≥" if comparator == ">=" else ">"
    suffix = "%" if unit == "%" else f" {unit}"
    return f"{sign} {format_decimal(target)}{suffix}"


def evaluation_label(value: bool | None) -> str:
    """Đạt / Không đạt / '' (no data)."""
    if value is None:
        return ""
    return "Đạt" if value else "Không đạt"
