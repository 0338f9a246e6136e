"""Ratios as the reports write them: exact pass/fail, half-up percent, Vietnamese number format."""

from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

NO_DATA = "Chưa có dữ liệu"
COMPARATORS = (">=", ">")


def _scaled_percent(numerator: int, denominator: int, decimals: int) -> int:
    """num/den × 100 × 10**decimals, rounded half up, in integers (no float, no Decimal)."""
    quotient, remainder = divmod(numerator * 100 * 10**decimals, denominator)
    return quotient + 1 if 2 * remainder >= denominator else quotient


def percent(numerator: int, denominator: int, decimals: int = 2) -> Decimal | None:
    """num/den × 100 rounded half up to ``decimals`` places, exactly; None when den is 0."""
    if not denominator:
        return None
    return Decimal(_scaled_percent(numerator, denominator, decimals)).scaleb(-decimals)


@lru_cache(maxsize=256)
def _target_ratio(target: str) -> tuple[int, int]:
    return Fraction(Decimal(target)).as_integer_ratio()


def passed(numerator: int, denominator: int, target, comparator: str = ">=") -> bool | None:
    """Whether the exact fraction meets ``target`` percent; None when den is 0 or no target."""
    if not denominator or target is None:
        return None
    top, bottom = _target_ratio(str(target))
    # num/den × 100 against top/bottom, cross-multiplied: exact and fast.
    left, right = numerator * 100 * bottom, top * denominator
    return left > right if comparator == ">" else left >= right


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
    if not denominator:
        return NO_DATA
    whole, frac = divmod(_scaled_percent(numerator, denominator, decimals), 10**decimals)
    digits = f"{frac:0{decimals}d}".rstrip("0") if decimals else ""
    shown = format_int(whole) + ("," + digits if digits else "")
    return f"{format_int(numerator)}/{format_int(denominator)} = {shown}%"


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
