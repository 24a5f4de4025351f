"""Draws the site's two raster images from its icon (static/img/favicon.svg): the favicon.ico
browsers ask for at the root, and the card that chats and social sites show for a shared link.

    python -m tools.images

Needs Pillow (requirements-dev.txt) and the DejaVu fonts (Debian's fonts-dejavu-core).
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

IMAGES = Path(__file__).resolve().parent.parent / "static" / "img"
BLUE, DARK_BLUE, WHITE, TEXT = "#0059b3", "#003d7a", "#ffffff", "#1a1a1a"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
# The "E" of favicon.svg on its 32 x 32 grid.
E_SHAPE = [(9, 8), (20, 8), (20, 11), (13, 11), (13, 14.5), (19, 14.5), (19, 17.5), (13, 17.5),
           (13, 21), (20, 21), (20, 24), (9, 24)]  # fmt: skip


def icon(size: int) -> Image.Image:
    """The icon at ``size`` pixels, drawn eight times larger and scaled down (smooth edges)."""
    scale = size * 8 / 32
    image = Image.new("RGBA", (size * 8, size * 8), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size * 8 - 1, size * 8 - 1), radius=6 * scale, fill=BLUE)
    draw.polygon([(x * scale, y * scale) for x, y in E_SHAPE], fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def card() -> Image.Image:
    """The 1200 x 630 card: the icon and the site's name on white, under the site's blue bar."""
    image = Image.new("RGB", (1200, 630), WHITE)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1200, 24), fill=BLUE)
    draw.rectangle((0, 606, 1200, 630), fill=DARK_BLUE)
    image.paste(icon(200), (100, 215), icon(200))
    draw.text((350, 220), "eID guide", font=ImageFont.truetype(FONT, 110), fill=TEXT)
    draw.text(
        (355, 360), "NemID · MitID · MitID Erhverv", font=ImageFont.truetype(FONT, 44), fill=BLUE
    )
    return image


def main() -> None:
    icon(48).save(IMAGES / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    card().save(IMAGES / "card.png", optimize=True)
    print(f"Wrote {IMAGES / 'favicon.ico'} and {IMAGES / 'card.png'}")


if __name__ == "__main__":
    main()
