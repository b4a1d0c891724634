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
