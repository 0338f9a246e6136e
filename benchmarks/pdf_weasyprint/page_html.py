"""HTML of the printed pages for the WeasyPrint baseline: heading block, titles, tables, signature
block.

Built as text rather than through templates because a list may have 100.000 rows; every piece
is escaped here. Each table row carries an id ("r17") so the renderer can tell which rows a page
holds (pdf.py).
"""

from html import escape
from pathlib import Path

from aggregation.documents import summary as summary_table
from aggregation.documents.lists import Entry, Group, Subtotal

CSS = (Path(__file__).resolve().parent / "print.css").read_text(encoding="utf-8")


def document(body: str) -> str:
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f"<style>{CSS}</style></head><body>{body}</body></html>"
    )


def heading(head, titles) -> str:
    """The official header block and the title lines."""
    lines = "".join(
        f'<p class="{"title" if i < 2 else "sub"}">{escape(text)}</p>'
        for i, text in enumerate(titles)
    )
    left = "".join(
        f"<b>{escape(line)}</b>" if line == head.authority else f"<span>{escape(line)}</span>"
        for line in head.left_lines
    )
    return (
        '<table class="head"><tr>'
        f'<td class="left">{left}</td>'
        f'<td class="right"><b>{escape(head.nation)}</b>'
        f'<b class="motto">{escape(head.motto)}</b>'
        f"<i>{escape(head.place_date)}</i></td>"
        f"</tr></table>{lines}"
    )


def signatures(head, cols: int) -> str:
    """The signature block as the table's last row, so it never sits alone on a page."""
    return (
        f'<tr class="signrow"><td colspan="{cols}"><table class="sign"><tr>'
        f"<td><b>{escape(head.preparer)}</b><i>{escape(head.preparer_hint)}</i>"
        f'<span class="signname">{escape(head.preparer_name)}</span></td>'
        f"<td>{''.join(f'<b>{escape(line)}</b>' for line in head.signer_lines)}"
        f'<span class="signname">{escape(head.signer_name)}</span></td>'
        "</tr></table></td></tr>"
    )


def table(columns, rows: list[str], numeric=()) -> str:
    """A table whose header row repeats on every page; widths in proportion to ``columns``."""
    total = sum(width for _, width in columns)
    cols = "".join(f'<col style="width:{100 * w / total:.2f}%">' for _, w in columns)
    head = "".join(f"<th>{escape(name)}</th>" for name, _ in columns)
    return (
        f'<table class="grid"><colgroup>{cols}</colgroup>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def item_row(index: int, item, numeric: tuple[bool, ...]) -> str:
    """One list row (Group, Entry or Subtotal) as <tr id="r{index}">."""
    cols = len(numeric)
    if isinstance(item, Entry):
        cells = "".join(
            f'<td class="num">{value}</td>' if is_num else f"<td>{escape(str(value))}</td>"
            for value, is_num in zip(item.cells, numeric, strict=True)
        )
        return f'<tr id="r{index}">{cells}</tr>'
    if isinstance(item, Group):
        label = escape(item.label)
        return f'<tr id="r{index}" class="group"><td colspan="{cols}">{label}</td></tr>'
    if isinstance(item, Subtotal):
        return label_row(index, item.label, item.display, cols, "sub")
    raise TypeError(item)


def label_row(index: int, label: str, display: str, cols: int, css: str) -> str:
    """'Tổng cộng' | '3.323/3.501 = 94,92%' spanning the table."""
    split = min(3, cols - 1)
    return (
        f'<tr id="r{index}" class="{css}"><td colspan="{split}">{escape(label)}</td>'
        f'<td colspan="{cols - split}">{escape(display)}</td></tr>'
    )


def summary_rows(rows) -> list[str]:
    """PHỤ LỤC 01 rows; group rows shaded."""
    out = []
    for i, row in enumerate(rows):
        css = ' class="group"' if row.is_group else ""
        cells = "".join(f"<td>{escape(value)}</td>" for value in row.cells)
        out.append(f'<tr id="r{i}"{css}>{cells}</tr>')
    return out


SUMMARY_COLUMNS = list(zip(summary_table.HEADERS, summary_table.WIDTHS, strict=True))


def footers(pages: int, label: str) -> str:
    """``pages`` blank pages whose footer reads '<label> — Trang x/y' (CSS page counters).

    Stamped onto a section's content pages once its page count is known, so the footer can
    say "Phụ lục 3.4 — Trang 2/15" for a list laid out in several chunks.
    """
    text = label.replace("\\", "").replace('"', "'")
    css = (
        "@page { size: A4 landscape; margin: 12mm 10mm 14mm;"
        f' @bottom-center {{ content: "{text} — Trang " counter(page) "/" counter(pages);'
        ' font: 9pt "Times New Roman", "Liberation Serif", "DejaVu Serif", serif; } }'
        " div + div { break-before: page; }"
    )
    body = "<div></div>" * pages
    return f"<!doctype html><html><head><style>{css}</style></head><body>{body}</body></html>"
