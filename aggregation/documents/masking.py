"""Masking of contact and identity numbers in exported lists (Luật BVDLCN 91/2025/QH15).

Lists leave the office on paper and by e-mail, so a phone or ID number shows only enough to
recognise it: ``0912345678`` → ``09******78``. The officer may ask for full data; that choice is
written to the audit log by the caller.
"""

KEEP_HEAD, KEEP_TAIL = 2, 2


def mask_number(value: str | None) -> str:
    """Keep the first two and last two characters of a number; star the rest."""
    text = (value or "").strip()
    if not text:
        return ""
    if len(text) <= KEEP_HEAD + KEEP_TAIL:
        return "*" * len(text)
    hidden = len(text) - KEEP_HEAD - KEEP_TAIL
    return text[:KEEP_HEAD] + "*" * hidden + text[-KEEP_TAIL:]


def shown_number(value: str | None, full_data: bool) -> str:
    """The number as the export prints it: whole only when full data was asked for."""
    return (value or "").strip() if full_data else mask_number(value)
