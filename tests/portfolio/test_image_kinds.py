"""Every image an editor can upload either works everywhere or is refused with a message.

Each case is drawn here with Pillow (every mode, 16-bit PNGs written by hand,
transparency, EXIF rotation, colour profiles, very wide and tall shapes,
animation), uploaded through the admin's add view as an editor, and placed on
the home page, a project, a story and a theme. Every page that shows it, the
listings and the share-image metadata must answer 200, and every rendition
made of it must open in Pillow. Files the site can't show are refused with a
message that says what to do.
"""

import io
import re
import struct
import zlib
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from PIL import ImageCms, features
from wagtail.images import get_image_model
from wagtail.models import Collection

from portfolio.base.images import HIGH_BIT_DEPTH_MODES, to_eight_bit, web_ready
from portfolio.editorial import EDITORS
from tests.portfolio.factories import HomeFeaturedProjectFactory, HomeFeaturedThemeFactory
from tests.research.factories import ResearchProjectPageFactory, ThemeFactory
from tests.stories.factories import StoryPageFactory

Image = get_image_model()
SIZE = (96, 64)


def drawn(mode, size=SIZE):
    """An image in `mode` with a gradient, so scaling and conversions are visible."""
    base = PILImage.linear_gradient("L").resize(size)
    if mode in ("1", "L", "P"):
        return base.convert(mode)
    if mode.startswith("I;16"):
        # Each 8-bit level v as the 16-bit v * 257, in the mode's own byte order.
        order = {"I;16B": ">", "I;16N": "="}.get(mode, "<")
        levels = [v * 257 for v in base.tobytes()]
        return PILImage.frombytes(mode, size, struct.pack(f"{order}{len(levels)}H", *levels))
    if mode in ("I", "F"):
        return base.convert("I").point(lambda v: v * 257).convert(mode)
    rgb = PILImage.merge("RGB", (base, base.transpose(PILImage.Transpose.FLIP_LEFT_RIGHT), base))
    if mode in ("RGBA", "LA", "PA"):
        with_alpha = rgb.convert("RGBA")
        with_alpha.putalpha(base)
        return with_alpha.convert(mode)
    return rgb.convert(mode)


def saved(image, fmt, **options):
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png16(colour_type, channels, size=SIZE):
    """A 16-bit-per-channel PNG written by hand (Pillow writes no 16-bit colour PNGs):
    colour type 2 (RGB, 48-bit) or 6 (RGBA, 64-bit) or 4 (grey and alpha, 32-bit)."""
    width, height = size
    rows = b""
    for y in range(height):
        row = b"\x00"
        for x in range(width):
            level = (x * 65535) // max(1, width - 1)
            values = [level, (y * 65535) // max(1, height - 1), 40000, 50000][:channels]
            row += b"".join(struct.pack(">H", v) for v in values)
        rows += row
    ihdr = struct.pack(">IIBBBBB", width, height, 16, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(rows))
        + png_chunk(b"IEND", b"")
    )


def rotated_jpeg():
    """A landscape JPEG whose EXIF says 'rotate 90° to show it': a phone photo."""
    exif = PILImage.Exif()
    exif[0x0112] = 6
    return saved(drawn("RGB"), "JPEG", exif=exif.tobytes())


def with_srgb_profile(fmt):
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return saved(drawn("RGB"), fmt, icc_profile=profile)


def animated(fmt):
    frames = [drawn("RGB"), drawn("RGB").transpose(PILImage.Transpose.ROTATE_180)]
    if fmt == "GIF":
        frames = [frame.convert("P") for frame in frames]
    return saved(frames[0], fmt, save_all=True, append_images=frames[1:], duration=200, loop=0)


def transparent_palette(fmt):
    image = drawn("P")
    return saved(image, fmt, transparency=0)


ACCEPTED = {
    # name: (file name, bytes)
    "PNG mode 1 (bilevel)": ("bilevel.png", lambda: saved(drawn("1"), "PNG")),
    "PNG mode L": ("grey.png", lambda: saved(drawn("L"), "PNG")),
    "PNG mode LA": ("grey-alpha.png", lambda: saved(drawn("LA"), "PNG")),
    "PNG mode P": ("palette.png", lambda: saved(drawn("P"), "PNG")),
    "PNG mode P with transparency": ("palette-clear.png", lambda: transparent_palette("PNG")),
    "PNG mode RGB": ("colour.png", lambda: saved(drawn("RGB"), "PNG")),
    "PNG mode RGBA": ("colour-alpha.png", lambda: saved(drawn("RGBA"), "PNG")),
    "PNG 16-bit grey (I;16)": ("microscope.png", lambda: saved(drawn("I;16"), "PNG")),
    "PNG 16-bit grey big-endian (I;16B)": (
        "microscope-b.png",
        lambda: saved(drawn("I;16B"), "PNG"),
    ),
    "PNG 16-bit grey and alpha": ("grey16-alpha.png", lambda: png16(4, 2)),
    "PNG 48-bit RGB": ("rgb48.png", lambda: png16(2, 3)),
    "PNG 64-bit RGBA": ("rgba64.png", lambda: png16(6, 4)),
    "PNG with sRGB profile": ("profiled.png", lambda: with_srgb_profile("PNG")),
    "JPEG mode L": ("grey.jpg", lambda: saved(drawn("L"), "JPEG")),
    "JPEG mode RGB": ("photo.jpg", lambda: saved(drawn("RGB"), "JPEG")),
    "JPEG mode CMYK": ("print.jpg", lambda: saved(drawn("CMYK"), "JPEG")),
    "JPEG from YCbCr": ("ycbcr.jpg", lambda: saved(drawn("YCbCr"), "JPEG")),
    "JPEG with sRGB profile": ("profiled.jpg", lambda: with_srgb_profile("JPEG")),
    "JPEG with EXIF rotation": ("phone.jpg", rotated_jpeg),
    "JPEG progressive": ("progressive.jpg", lambda: saved(drawn("RGB"), "JPEG", progressive=True)),
    "GIF mode P": ("palette.gif", lambda: saved(drawn("P"), "GIF")),
    "GIF mode L": ("grey.gif", lambda: saved(drawn("L"), "GIF")),
    "GIF with transparency": ("clear.gif", lambda: transparent_palette("GIF")),
    "WebP mode RGB": ("photo.webp", lambda: saved(drawn("RGB"), "WEBP")),
    "WebP mode RGBA": ("clear.webp", lambda: saved(drawn("RGBA"), "WEBP")),
    "very wide PNG": ("banner.png", lambda: saved(drawn("RGB", (6000, 12)), "PNG")),
    "very tall PNG": ("strip.png", lambda: saved(drawn("RGB", (12, 6000)), "PNG")),
    "one pixel high": ("line.png", lambda: saved(drawn("RGB", (3000, 1)), "PNG")),
}
if features.check("avif"):
    ACCEPTED["AVIF mode RGB"] = ("photo.avif", lambda: saved(drawn("RGB"), "AVIF"))
    ACCEPTED["AVIF mode RGBA"] = ("clear.avif", lambda: saved(drawn("RGBA"), "AVIF"))

ANIMATED = {
    "animated GIF": ("moving.gif", lambda: animated("GIF")),
    "animated WebP": ("moving.webp", lambda: animated("WEBP")),
}

# Formats browsers don't show, in the modes microscopes and print workflows produce.
REFUSED = {
    f"TIFF mode {mode}": (
        f"scan-{mode.replace(';', '')}.tif",
        lambda mode=mode: saved(drawn(mode), "TIFF"),
    )
    for mode in ("I;16", "I;16B", "I", "F", "CMYK", "LAB", "YCbCr", "RGB", "PA")
}
REFUSED["BMP"] = ("old.bmp", lambda: saved(drawn("RGB"), "BMP"))
WHAT_TO_DO = "export it as PNG"


@pytest.fixture
def editor_client(client, db):
    user = get_user_model().objects.create_user(username="uploader", password="unused")
    user.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(user)
    return client


def upload(client, name, content):
    return client.post(
        reverse("wagtailimages:add"),
        {
            "title": name,
            "description": "A test image drawn for this check.",
            "collection": Collection.get_first_root_node().pk,
            "tags": "",
            "file": SimpleUploadedFile(name, content),
        },
    )


def place_everywhere(site_tree, image):
    """The image as the home hero, a project's image and card, a story's hero and
    card, and a theme's card (on the theme page and the home page)."""
    site_tree.home.hero_image = image
    site_tree.home.save_revision().publish()
    theme = ThemeFactory(listing_image=image)
    project = ResearchProjectPageFactory(image=image, listing_image=image, themes=[theme])
    story = StoryPageFactory(hero_image=image, listing_image=image, themes=[theme])
    HomeFeaturedProjectFactory(page=site_tree.home, project=project)
    HomeFeaturedThemeFactory(page=site_tree.home, theme=theme)
    return {
        "home": "/",
        "project": project.url,
        "story": story.url,
        "theme": f"/research/themes/{theme.slug}/",
        "research listing": "/research/",
        "story listing": "/stories/",
        "project feed": f"/research/themes/{theme.slug}/projects/rss/",
        "story feed": "/stories/feed/rss/",
    }


def check_pages_and_renditions(client, site_tree, image):
    urls = place_everywhere(site_tree, image)
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (name, url)
        pages[name] = response.content.decode()
    # The share image (Open Graph) of the project page is the image's 1200x630 JPEG.
    share = re.search(r'<meta property="og:image" content="([^"]+)"', pages["project"])
    assert share and image.file.name.rsplit("/", 1)[-1].split(".")[0][:10] in unescape(
        share.group(1)
    )
    renditions = list(image.renditions.all())
    formats = {r.file.name.rsplit(".", 1)[-1] for r in renditions}
    assert {"jpg", "webp"} <= formats, formats
    if features.check("avif"):
        assert "avif" in formats
    for rendition in renditions:
        with rendition.file.open("rb") as handle, PILImage.open(handle) as opened:
            opened.load()
            assert opened.width > 0 and opened.height > 0
    # Every <img>/<source> on the pages points at a rendition that exists.
    shown = {
        unescape(u)
        for html in pages.values()
        for u in re.findall(r"/media/images/[^\s\"',]+", html)
    }
    stored = {r.url for r in renditions}
    assert shown and shown <= stored, shown - stored
    return pages


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_every_image_editors_can_upload_works_on_every_page(editor_client, site_tree, case):
    name, make = ACCEPTED[case]
    response = upload(editor_client, name, make())
    assert response.status_code == 302, response.context["form"].errors
    image = Image.objects.get()
    check_pages_and_renditions(editor_client, site_tree, image)


def test_a_16_bit_microscope_image_is_stored_as_8_bit_as_browsers_show_it(editor_client):
    response = upload(editor_client, "microscope.png", saved(drawn("I;16"), "PNG"))
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.file.name.endswith(".png")
    with image.file.open("rb") as handle, PILImage.open(handle) as stored:
        assert stored.mode == "L"
        # Each 16-bit value v is shown as v / 257, as browsers show it: the gradient
        # drawn as 8-bit levels x 257 comes back as exactly those levels.
        assert stored.tobytes() == drawn("L").tobytes()


@pytest.mark.parametrize("case", list(ANIMATED))
def test_animated_images_are_accepted_and_the_editor_is_told(editor_client, site_tree, case):
    name, make = ANIMATED[case]
    response = upload(editor_client, name, make())
    assert response.status_code == 302
    image = Image.objects.get()
    check_pages_and_renditions(editor_client, site_tree, image)
    edit = editor_client.get(reverse("wagtailimages:edit", args=[image.pk]))
    assert "only, as a still picture" in edit.content.decode()
    assert "animated (2 frames)" in edit.content.decode()


@pytest.mark.parametrize("view", ["wagtailimages:add", "wagtailimages:add_multiple"])
def test_the_editor_is_told_at_upload_that_animations_show_their_first_frame(editor_client, view):
    html = editor_client.get(reverse(view)).content.decode()
    assert "only its first frame appears on the site" in html
    assert "Supported formats" in html  # Wagtail's own help is kept


@pytest.mark.parametrize("case", list(REFUSED))
def test_files_browsers_cannot_show_are_refused_with_what_to_do(editor_client, case):
    name, make = REFUSED[case]
    response = upload(editor_client, name, make())
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["file"])
    assert "Not a supported image format" in message and WHAT_TO_DO in message, message
    assert not Image.objects.exists()


@pytest.mark.parametrize("mode", sorted(HIGH_BIT_DEPTH_MODES))
def test_every_high_bit_depth_mode_becomes_eight_bit(mode):
    converted = to_eight_bit(drawn(mode))
    assert converted.mode == "L"
    if mode.startswith("I;16"):
        assert converted.tobytes() == drawn("L").tobytes()
    else:
        # 32-bit integer and float images have no fixed range: their own is stretched.
        assert converted.getextrema() == (0, 255)


@pytest.mark.parametrize(
    "mode", ["1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK", "YCbCr", "LAB", "HSV"]
)
def test_eight_bit_modes_are_left_alone(mode):
    image = drawn(mode)
    assert to_eight_bit(image) is image


def test_web_ready_keeps_an_ordinary_upload_byte_for_byte():
    data = saved(drawn("RGB"), "PNG")
    upload_file = SimpleUploadedFile("plain.png", data)
    assert web_ready(upload_file) is upload_file
    assert upload_file.read() == data


def test_an_image_stored_before_the_checks_never_takes_a_page_down(client, site_tree, caplog):
    """Defence in depth: a 16-bit PNG stored before uploads were converted (or put
    there by code) can't be made into a JPEG. Every page still answers 200, without
    that image, and the failure is logged."""
    from tests.portfolio.factories import ImageFactory

    image = ImageFactory(file=SimpleUploadedFile("legacy.png", saved(drawn("I;16"), "PNG")))
    with image.file.open("rb") as handle, PILImage.open(handle) as stored:
        assert stored.mode == "I;16"  # as it was stored: not converted
    urls = place_everywhere(site_tree, image)
    with caplog.at_level("ERROR", logger="portfolio.base.images"):
        for name, url in urls.items():
            response = client.get(url)
            assert response.status_code == 200, (name, url)
    assert "Could not render image" in caplog.text
    assert "cannot write mode I;16 as JPEG" in caplog.text
    project = client.get(urls["project"]).content.decode()
    assert 'property="og:image"' not in project  # shared without a picture


def test_templates_load_the_guarded_image_tags_and_no_other_library_clashes():
    """`{% load wagtailimages_tags %}` gives the guarded library everywhere; the system
    check that this silences (templates.W003) reports no other clashing name."""
    from django.core.checks.templates import check_templates
    from django.template import engines

    libraries = engines["django"].engine.template_libraries
    assert libraries["wagtailimages_tags"].tags["picture"].__module__ == (
        "portfolio.templatetags.guarded_image_tags"
    )
    clashes = [m for m in check_templates(None) if m.id == "templates.W003"]
    assert [m.msg.split("'")[1] for m in clashes] == ["wagtailimages_tags"]


def test_the_multiple_uploader_stores_a_16_bit_image_web_ready_too(editor_client, site_tree):
    """The multiple uploader keeps the file as it came while it asks for the alt text;
    it must still end up as the 8-bit file every page can show."""
    from wagtail.models import UploadedFile

    collection = Collection.get_first_root_node().pk
    response = editor_client.post(
        reverse("wagtailimages:add_multiple"),
        {
            "files[]": SimpleUploadedFile("many.png", saved(drawn("I;16"), "PNG")),
            "collection": collection,
        },
    )
    assert response.json()["success"] is True
    upload_file = UploadedFile.objects.get()
    url = reverse("wagtailimages:create_multiple_from_uploaded_image", args=[upload_file.pk])
    prefix = f"uploaded-image-{upload_file.pk}"
    fields = {"title": "Many", "collection": collection, "tags": "", "description": "Cells."}
    response = editor_client.post(url, {f"{prefix}-{k}": v for k, v in fields.items()})
    assert response.json()["success"] is True
    image = Image.objects.get()
    with image.file.open("rb") as handle, PILImage.open(handle) as stored:
        assert stored.mode == "L"
    assert (image.width, image.height) == SIZE
    check_pages_and_renditions(editor_client, site_tree, image)


def test_checking_a_stored_file_that_went_missing_changes_nothing(db):
    from portfolio.base.images import make_stored_file_web_ready
    from tests.portfolio.factories import ImageFactory

    image = ImageFactory()
    image.file.storage.delete(image.file.name)
    assert make_stored_file_web_ready(image) is False
