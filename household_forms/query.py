"""Numbers typed by people or carried in URLs (?nam=2025, ?trang=3): one reader for all of them.

``str.isdigit()`` is true for '²' and '①', which ``int()`` refuses, so a check with isdigit()
followed by int() turns a crafted URL into a server error. Only ASCII digits count here.
"""

import re

DIGITS = re.compile(r"[0-9]{1,9}")  # nine digits: far beyond any year, page or count we take


def whole_number(text) -> int | None:
    """'12' → 12; None for anything else ('', '²', '١٢', '-1', '1e3', ' 1 2')."""
    text = text.strip() if isinstance(text, str) else ""
    return int(text) if DIGITS.fullmatch(text) else None


def int_arg(args, key: str, default: int, low: int = 1, high: int | None = None) -> int:
    """Query argument ``key`` as a whole number in [low, high]; ``default`` when bad or absent."""
    value = whole_number(args.get(key))
    if value is None or value < low or (high is not None and value > high):
        return default
    return value
