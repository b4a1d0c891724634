"""Abstract pictures drawn in code for the demo site.

Shipping photographs would mean licences and a heavy repository; drawing
soft, cell-like shapes in the charity's pinks gives every card and hero a
real image to crop, with no rights to check. Each picture is seeded by its
key, so the same key always draws the same picture.
"""

import io
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

DEEP_PINK = (176, 19, 91)
PINKS = [(176, 19, 91), (201, 54, 120), (222, 110, 160), (240, 170, 198), (120, 24, 78)]
NEUTRALS = [(250, 246, 243), (244, 236, 232), (236, 228, 226), (252, 242, 246)]
PLUM = (74, 20, 56)

HERO_SIZE = (1600, 900)
AVATAR_SIZE = (480, 480)
JPEG_QUALITY = 80


def _gradient(size, top, bottom):
    """A vertical blend from `top` to `bottom`."""
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _soft_light(rng, ground, count, alpha=(50, 130)):
    """Large blurred circles over `ground`.

    They are blended onto the opaque ground before blurring (blurring a
    transparent layer drags black into the edges), and drawn at a quarter of
    the size then scaled up, so the blur costs little.
    """
    size = ground.size
    small = ground.resize((size[0] // 4, size[1] // 4))
    draw = ImageDraw.Draw(small, "RGBA")
    for _ in range(count):
        radius = rng.uniform(0.12, 0.45) * small.size[1]
        x, y = rng.uniform(0, small.size[0]), rng.uniform(0, small.size[1])
        colour = rng.choice(PINKS) + (rng.randint(*alpha),)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    small = small.filter(ImageFilter.GaussianBlur(radius=small.size[0] / 30))
    return small.resize(size, Image.Resampling.BICUBIC)


def _cells(rng, size, count):
    """Crisp cell outlines with a nucleus, for a hint of biology over the blur."""
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(count):
        rx = rng.uniform(0.03, 0.09) * size[0]
        ry = rx * rng.uniform(0.75, 1.1)
        x, y = rng.uniform(0, size[0]), rng.uniform(0, size[1])
        colour = rng.choice(PINKS)
        draw.ellipse(
            (x - rx, y - ry, x + rx, y + ry),
            fill=colour + (rng.randint(25, 60),),
            outline=colour + (170,),
            width=3,
        )
        nx, ny = x + rng.uniform(-0.3, 0.3) * rx, y + rng.uniform(-0.3, 0.3) * ry
        nr = rx * rng.uniform(0.25, 0.4)
        draw.ellipse((nx - nr, ny - nr, nx + nr, ny + nr), fill=PLUM + (110,))
    return layer.filter(ImageFilter.GaussianBlur(radius=1.2))


def _jpeg(image):
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def hero(key, size=HERO_SIZE):
    """A wide abstract picture: a pale ground, soft pink light and a few cells."""
    rng = random.Random(f"hero:{key}")
    top, bottom = rng.sample(NEUTRALS, 2)
    image = _soft_light(rng, _gradient(size, top, bottom), rng.randint(5, 9)).convert("RGBA")
    image = Image.alpha_composite(image, _cells(rng, size, rng.randint(4, 10)))
    return _jpeg(image)


def avatar(key, initials, size=AVATAR_SIZE):
    """A placeholder portrait: initials on deep pink, until a real photo is chosen."""
    rng = random.Random(f"avatar:{key}")
    ground = _gradient(size, DEEP_PINK, rng.choice([PLUM, PINKS[1], PINKS[4]]))
    image = _soft_light(rng, ground, 4, alpha=(30, 70))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=int(size[1] * 0.36))
    draw.text((size[0] / 2, size[1] / 2), initials, font=font, fill="white", anchor="mm")
    return _jpeg(image)


SHARE_SIZE = (1200, 630)
# Pale pink from the site's palette (--brand-tint and its neighbours), for outlines.
PALE_PINK = (240, 170, 198)


def _wrapped(draw, text, font, width):
    """`text` in lines no wider than `width` pixels, broken between words."""
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and draw.textlength(trial, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return [*lines, line] if line else lines


def _share_cells(size, scale=2):
    """A few large, pale cells down the right-hand side, clear of the text.

    Drawn at `scale` times the size and reduced, which smooths their edges."""
    big = (size[0] * scale, size[1] * scale)
    layer = Image.new("RGBA", big, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    # (centre x, centre y, radius) as fractions of the width and the height.
    for fx, fy, fr in [(0.84, 0.27, 0.19), (0.73, 0.67, 0.14), (0.93, 0.75, 0.11),
                       (0.63, 0.17, 0.07), (0.91, 0.99, 0.13)]:  # fmt: skip
        cx, cy, r = fx * big[0], fy * big[1], fr * big[1]
        draw.ellipse(
            (cx - r, cy - r * 0.9, cx + r, cy + r * 0.9),
            fill=PALE_PINK + (60,),
            outline=PALE_PINK + (200,),
            width=4 * scale,
        )
        nx, ny, nr = cx + r * 0.15, cy - r * 0.1, r * 0.35
        draw.ellipse((nx - nr, ny - nr, nx + nr, ny + nr), fill=(255, 255, 255, 90))
    return layer.resize(size, Image.Resampling.LANCZOS)


def share_card(kicker, title, strapline, size=SHARE_SIZE):
    """The picture shown when a page without its own image is shared (Open Graph,
    X/Twitter cards): 1200x630, the size those cards display at.

    White text on the charity's deep pink, large enough to read at the smallest card
    size (about 500 px wide): `kicker` (the charity's name), `title` (wrapped) and
    `strapline`, left-aligned and centred vertically, with cells on the right."""
    rng = random.Random("share")
    ground = _gradient(size, DEEP_PINK, PLUM)
    image = _soft_light(rng, ground, 6, alpha=(40, 90)).convert("RGBA")
    image = Image.alpha_composite(image, _share_cells(size))
    draw = ImageDraw.Draw(image)
    margin, text_width = round(size[0] * 0.067), round(size[0] * 0.53)
    kicker_font = ImageFont.load_default(size=34)
    title_font = ImageFont.load_default(size=72)
    strap_font = ImageFont.load_default(size=34)
    title_lines = _wrapped(draw, title, title_font, text_width)
    strap_lines = _wrapped(draw, strapline, strap_font, text_width)
    # kicker, rule, title lines, gap, strapline lines
    height = 34 + 18 + 8 + 36 + 86 * len(title_lines) + 20 + 46 * len(strap_lines)
    y = (size[1] - height) // 2
    # A thin stroke in the same colour stands in for a bold weight of the one font
    # Pillow ships (so the picture is the same on every machine).
    draw.text((margin, y), kicker, font=kicker_font, fill="white", stroke_width=1,
              stroke_fill="white")  # fmt: skip
    y += 34 + 18
    draw.rectangle((margin, y, margin + 96, y + 8), fill=PALE_PINK)
    y += 8 + 36
    for line in title_lines:
        draw.text((margin, y), line, font=title_font, fill="white", stroke_width=2,
                  stroke_fill="white")  # fmt: skip
        y += 86
    y += 20
    for line in strap_lines:
        draw.text((margin, y), line, font=strap_font, fill=NEUTRALS[3])
        y += 46
    return _jpeg(image)
