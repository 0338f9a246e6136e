"""The board as a PNG card sized for a Zalo group post (1080 × 1350), with the board's QR code.

Drawn with Pillow in a font that has every Vietnamese letter (DejaVu Sans, or Liberation Sans);
the card carries what the board shows and nothing more.
"""

import io
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from survey_app.board.services import Board
from survey_app.plates.services import qr_code

WIDTH, HEIGHT = 1080, 1350
MARGIN = 60
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
)
FONTS = {False: ("DejaVuSans.ttf", "LiberationSans-Regular.ttf"),
         True: ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf")}  # fmt: skip
BLUE, GREEN, RED, GREY, INK = "#0b4f8c", "#1b7a3a", "#b3261e", "#5f6368", "#1f1f1f"


def _font(size: int, bold: bool = False):
    for name in FONTS[bold]:
        for directory in FONT_DIRS:
            if (directory / name).exists():
                return ImageFont.truetype(str(directory / name), size)
    return ImageFont.load_default(size)


def card_png(board: Board, url: str) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 170), fill=BLUE)
    draw.text((MARGIN, 40), "BẢNG TIN CHUYỂN ĐỔI SỐ", font=_font(44, True), fill="white")
    draw.text((MARGIN, 104), f"{board.village} · xã {board.commune}", font=_font(34), fill="white")
    y = 200
    summary = f"Năm {board.year}: {board.passed}/{board.judged} chỉ tiêu Đạt"
    draw.text((MARGIN, y), summary, font=_font(38, True), fill=INK)
    y += 70
    name_font, value_font = _font(27), _font(30, True)
    for shown, line in enumerate(board.lines):
        if y > HEIGHT - 420:
            more = f"… và {len(board.lines) - shown} chỉ tiêu khác: quét mã để xem."
            draw.text((MARGIN, y), more, font=name_font, fill=GREY)
            break
        wrapped = textwrap.wrap(f"{line.code}. {line.name}", width=48)[:2]
        for i, part in enumerate(wrapped):
            draw.text((MARGIN, y + i * 34), part, font=name_font, fill=INK)
        value = line.percent or "Chưa đủ số liệu"
        colour = GREEN if line.evaluation == "Đạt" else RED if line.evaluation else GREY
        label = f"{value} · {line.evaluation}" if line.evaluation else value
        width = draw.textlength(label, font=value_font)
        draw.text((WIDTH - MARGIN - width, y), label, font=value_font, fill=colour)
        y += 34 * len(wrapped) + 22
    qr = qr_code(url, box_size=7).make_image().convert("RGB")
    side = 300
    qr = qr.resize((side, side), Image.Resampling.NEAREST)
    image.paste(qr, (WIDTH - MARGIN - side, HEIGHT - MARGIN - side))
    note = _font(28)
    draw.text((MARGIN, HEIGHT - MARGIN - 150), "Quét mã để xem bảng tin", font=note, fill=INK)
    draw.text((MARGIN, HEIGHT - MARGIN - 110), "của thôn, cập nhật hằng ngày.", font=note, fill=INK)
    draw.text(
        (MARGIN, HEIGHT - MARGIN - 40), "Không có thông tin cá nhân.", font=_font(24), fill=GREY
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
