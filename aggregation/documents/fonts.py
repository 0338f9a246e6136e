"""The serif the printed documents are set in: Times New Roman where installed, else Liberation
Serif (the same metrics; Debian's fonts-liberation2, with every Vietnamese letter), else DejaVu
Serif. Registered once with ReportLab under four names."""

from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR, BOLD, ITALIC, BOLD_ITALIC = "Serif", "Serif-Bold", "Serif-Italic", "Serif-BoldItalic"
FAMILIES = (
    ("/usr/share/fonts/truetype/msttcorefonts", ("Times_New_Roman.ttf", "Times_New_Roman_Bold.ttf",
     "Times_New_Roman_Italic.ttf", "Times_New_Roman_Bold_Italic.ttf")),
    ("/usr/share/fonts/truetype/liberation2", ("LiberationSerif-Regular.ttf",
     "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf")),
    ("/usr/share/fonts/truetype/liberation", ("LiberationSerif-Regular.ttf",
     "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf")),
    ("/usr/share/fonts/truetype/dejavu", ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf",
     "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf")),
)  # fmt: skip


class FontMissing(RuntimeError):
    """No serif font with Vietnamese letters is installed."""


def register() -> None:
    """Register the first installed family (once per process)."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    for directory, files in FAMILIES:
        paths = [Path(directory) / name for name in files]
        if all(path.exists() for path in paths):
            for name, path in zip((REGULAR, BOLD, ITALIC, BOLD_ITALIC), paths, strict=True):
                pdfmetrics.registerFont(TTFont(name, str(path)))
            pdfmetrics.registerFontFamily(
                REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
            )
            return
    raise FontMissing(
        "Không có phông chữ có dấu tiếng Việt: cài fonts-liberation2 (hoặc fonts-dejavu-core)."
    )
