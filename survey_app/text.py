"""Text helpers shared by search, import matching and file names."""

import unicodedata

_D = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str | None) -> str:
    """Lower case without Vietnamese diacritics: 'Nguyễn Đức' → 'nguyen duc', as phones type."""
    decomposed = unicodedata.normalize("NFD", str(text or "").translate(_D))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def squeeze(value):
    """Trim and collapse inner spaces: names typed on phones often carry double spaces."""
    return " ".join(value.split()) if isinstance(value, str) else value
