"""Uploaded images that every rendition format can carry, and pages that survive
a rendition that fails anyway.

Templates ask Wagtail for AVIF, WebP and JPEG renditions of every image (and
the share image is a JPEG). Willow converts most modes on the way (palette,
transparency, CMYK), but not high bit depths: a 16-bit greyscale PNG (mode
`I;16`, the usual output of a microscope camera) makes the JPEG rendition
raise "cannot write mode I;16 as JPEG", a 500 on every page showing it.

- `web_ready` (called by the upload form) turns such a file into an 8-bit PNG,
  scaled the way browsers show a 16-bit PNG (value / 257), so what the editor
  saw is what the site shows. Every other file is kept byte for byte.
- `animation_notice` tells the editor that an animated GIF or WebP will show
  its first frame only (Willow's Pillow backend renders one frame; animation
  needs Wand/ImageMagick, which this site does not install).
- `guard_rendition` wraps any rendition call: if it fails for an image already
  stored, the page is rendered without that image and the error is logged.
"""

import io
import logging
import os

import willow
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from PIL import Image as PILImage

logger = logging.getLogger(__name__)

#: Pillow modes with more than 8 bits per channel: integer and float greyscale.
HIGH_BIT_DEPTH_MODES = frozenset({"I", "I;16", "I;16L", "I;16B", "I;16N", "F"})
#: 16-bit to 8-bit, as browsers and image viewers display a 16-bit PNG.
SIXTEEN_TO_EIGHT = 1 / 257


def to_eight_bit(image):
    """A Pillow image in a high-bit-depth mode as mode "L" (8-bit greyscale).

    16-bit modes are scaled by 1/257 (65535 -> 255). 32-bit integer and float
    images have no fixed range, so their own darkest and brightest values map to
    0 and 255. Other modes are returned unchanged."""
    if image.mode not in HIGH_BIT_DEPTH_MODES:
        return image
    if image.mode.startswith("I;16"):
        return image.convert("I").point(lambda v: v * SIXTEEN_TO_EIGHT).convert("L")
    low, high = image.getextrema()
    if high == low:
        scale, offset = 0, 0
    else:
        scale = 255 / (high - low)
        offset = -low * scale
    return image.convert("F").point(lambda v: v * scale + offset).convert("L")


def web_ready(upload):
    """`upload` (a checked, fully decodable image upload) as a file every rendition
    format can be made from: the same object when it already is, otherwise a new
    PNG upload of the same name (with a .png extension) in 8-bit greyscale, keeping
    its colour profile and EXIF data. Raises nothing beyond what Pillow's decoding
    raised already in `check_decodes`."""
    upload.seek(0)
    with PILImage.open(upload) as image:
        if image.mode not in HIGH_BIT_DEPTH_MODES:
            upload.seek(0)
            return upload
        converted = to_eight_bit(image)
        options = {}
        if image.info.get("icc_profile"):
            options["icc_profile"] = image.info["icc_profile"]
        exif = image.getexif()
        if exif:
            options["exif"] = exif.tobytes()
        out = io.BytesIO()
        converted.save(out, "PNG", **options)
    name = os.path.splitext(upload.name)[0] + ".png"
    replacement = SimpleUploadedFile(name, out.getvalue(), content_type="image/png")
    # As Wagtail's WagtailImageField annotates the upload it checked.
    replacement.image = willow.Image.open(io.BytesIO(out.getvalue()))
    return replacement


def make_stored_file_web_ready(image):
    """Replace a Wagtail image's stored file by its `web_ready` version, if it needs one.

    For files that reached storage without passing the upload form's file field
    (the multiple uploader's pending uploads). The old file is deleted from
    storage; the size, hash and dimensions are set again from the new one. Returns
    whether the file was replaced."""
    try:
        with image.file.open("rb") as handle:
            handle.seek(0)
            data = handle.read()
        stored = SimpleUploadedFile(os.path.basename(image.file.name), data)
        ready = web_ready(stored)
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombError):
        # A missing or unreadable file: nothing to convert here, and saving the
        # image's details must not fail for it (renditions are guarded anyway).
        logger.warning("Could not check the stored file of %r", image, exc_info=True)
        return False
    if ready is stored:
        return False
    old_name = image.file.name
    image.file.save(ready.name, ready, save=False)
    image.file.storage.delete(old_name)
    set_file_metadata(image)
    return True


def set_file_metadata(image):
    """Fill in `image`'s width, height, file size and hash from its file, as Wagtail's own
    upload views do after saving a file outside the form.

    The one use of Wagtail's private ``AbstractImage._set_image_file_metadata()``
    (README "Upgrading Wagtail"): Wagtail has no public method for an image made or
    changed in code. If it moves, this raises AttributeError; tests/portfolio/
    test_image_kinds.py and test_demo_content.py fail first."""
    image._set_image_file_metadata()


def frame_count(file):
    """Frames in an image file (1 for a still image, or when it can't be read)."""
    if file is None:
        return 1
    try:
        file.seek(0)
        with PILImage.open(file) as image:
            return getattr(image, "n_frames", 1)
    except (OSError, ValueError, SyntaxError):
        return 1
    finally:
        try:
            file.seek(0)
        except (OSError, ValueError):
            pass


def animation_notice(file):
    """The editor's warning for an animated image, or "" for a still one."""
    if not file:
        return ""
    try:
        frames = frame_count(file)
    except (OSError, ValueError):
        return ""
    if frames <= 1:
        return ""
    return (
        f"This image is animated ({frames} frames). The site shows its first frame "
        "only, as a still picture: make sure that frame works on its own."
    )


def guard_rendition(render, describe):
    """`render()`, or "" if making a rendition fails: the page goes out without that
    image, and the error is logged with `describe()` (which image, which filter).
    Database errors are not swallowed: they leave the transaction unusable."""
    try:
        return render()
    except DatabaseError:
        raise
    except Exception:
        logger.exception("Could not render image %s; left it out of the page", describe())
        return ""
