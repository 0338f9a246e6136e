"""Small line charts of an indicator over time, drawn as SVG on the server (no script, no CDN).

The chart scales to its box (viewBox), prints in black and grey, carries its values in a <title>
and <desc> for screen readers, and the page prints the same values in a table under it.
"""

from markupsafe import Markup, escape

from aggregation import numbers
from aggregation.trends import Series

WIDTH, HEIGHT = 320, 120
LEFT, RIGHT, TOP, BOTTOM = 34, 10, 10, 26


def _x(index: int, count: int) -> float:
    if count <= 1:
        return LEFT + (WIDTH - LEFT - RIGHT) / 2
    return LEFT + index * (WIDTH - LEFT - RIGHT) / (count - 1)


def _y(percent: float) -> float:
    return TOP + (100 - max(0.0, min(100.0, percent))) * (HEIGHT - TOP - BOTTOM) / 100


def line_chart(line: Series) -> Markup:
    """The SVG of one indicator's series: percent by point, the target dashed."""
    count = len(line.points)
    values = [(i, p.percent, p.passed) for i, p in enumerate(line.points) if p.percent is not None]
    code = escape(line.code)
    parts = [
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="t-{code} d-{code}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="t-{code}">{code} {escape(line.name)}</title>',
        f'<desc id="d-{code}">{escape(_describe(line))}</desc>',
    ]
    for level in (0, 50, 100):  # axis lines and their labels
        y = _y(level)
        parts.append(_across("grid", y))
        parts.append(
            f'<text class="axis" x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{level}%</text>'
        )
    if line.target is not None:
        parts.append(_across("target", _y(line.target)))
    if len(values) > 1:
        path = " ".join(f"{_x(i, count):.1f},{_y(v):.1f}" for i, v, _ in values)
        parts.append(f'<polyline class="line" points="{path}"/>')
    for i, v, ok in values:
        klass = "dot ok" if ok else "dot"
        parts.append(f'<circle class="{klass}" cx="{_x(i, count):.1f}" cy="{_y(v):.1f}" r="3.5"/>')
    for i, point in enumerate(line.points):  # first, last and every other one: legible
        last = i == count - 1
        if not (last or count <= 6 or (i % 2 == 0 and i < count - 2)):
            continue
        anchor = "end" if last and count > 1 else "middle"
        parts.append(
            f'<text class="label" x="{_x(i, count):.1f}" y="{HEIGHT - 8}" '
            f'text-anchor="{anchor}">{escape(point.label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _across(klass: str, y: float) -> str:
    """A horizontal line across the plot at height ``y``."""
    return f'<line class="{klass}" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>'


def _describe(line: Series) -> str:
    shown = "; ".join(f"{p.label}: {_percent(p.percent)}" for p in line.points)
    target = f"Chỉ tiêu {numbers.format_percent(line.target)}. " if line.target is not None else ""
    return target + shown


def _percent(value: float | None) -> str:
    return numbers.format_percent(value) if value is not None else "chưa có dữ liệu"
