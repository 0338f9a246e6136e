"""Server errors that are known and being fixed elsewhere: the fuzzers count them apart.

Each is matched narrowly — by what was sent and by the exception it raised — so any other crash
still fails the fuzz tests. tests/fuzz/test_known.py pins each one with a strict xfail: when
the fix lands that test passes, fails as XPASS, and the entry here and there is to be removed.
"""

from collections.abc import Callable


def _strings(data: dict, query: dict) -> list[str]:
    values: list[str] = []
    for value in [*data.values(), *query.values()]:
        values.extend(
            v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)
        )
    return values


def _int_of_non_ascii_digit(method, url, query, data, error) -> bool:
    """``?nam=²`` / ``?trang=²``: str.isdigit() says yes, int() says no."""
    odd = [
        v for k, v in query.items() if k in ("nam", "trang") and v.isdigit() and not v.isdecimal()
    ]
    return bool(odd) and error.startswith("ValueError: invalid literal for int()")


def _xlsx_parse_error(method, url, query, data, error) -> bool:
    """An upload named .xlsx whose XML openpyxl cannot parse."""
    return url.startswith("/quan-ly/nhap-du-lieu") and "ParseError" in error


def _nul_character(method, url, query, data, error) -> bool:
    """A NUL character in a submitted text reaches PostgreSQL, which refuses it."""
    sent_nul = any("\x00" in value for value in _strings(data, query))
    return sent_nul and "NUL" in error


KNOWN: dict[str, Callable[..., bool]] = {}  # none open: the last three are fixed


def issue(method: str, url: str, query: dict, data: dict, error: str) -> str | None:
    """The name of the known issue this server error is, or None for a new one."""
    return next(
        (name for name, test in KNOWN.items() if test(method, url, query, data, error)), None
    )
