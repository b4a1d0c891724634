"""Image uploads: allowed formats, size and pixel limits, damaged files, required alt text.

Each bad file goes through the two ways editors upload (the single add view
and the multiple uploader's endpoint) as a member of the Editors group. The
site must answer with a form error, never a server error, and keep nothing:
no image, no pending upload, no file on disk.
"""

import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from PIL import features
from wagtail.images import get_image_model
from wagtail.models import Collection, UploadedFile

from portfolio.editorial import EDITORS

Image = get_image_model()


def picture(fmt="PNG", size=(64, 48), noise=False, mode="RGB", **save_options):
    """Image bytes drawn with Pillow: a plain colour, or random noise that won't compress."""
    if noise:
        image = PILImage.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = PILImage.new(mode, size, (200, 30, 120) if mode == "RGB" else 0)
    out = io.BytesIO()
    image.save(out, fmt, **save_options)
    return out.getvalue()


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width, height):
    """A tiny PNG whose header claims `width` x `height` pixels: a decompression bomb."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 16)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def oversize_png():
    """A real PNG just over the upload limit (random pixels, stored uncompressed)."""
    data = picture(size=(1900, 1900), noise=True, compress_level=0)
    assert len(data) > settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
    return data


def truncated(data):
    return data[: len(data) // 2]


BAD_FILES = {
    # name: (file name, bytes or fixture name, words expected in the error)
    "pixel bomb": ("bomb.png", png_header_only(50_000, 50_000), "too many pixels"),
    # A real image of 64 million pixels: over our limit, under Pillow's bomb threshold.
    "over the pixel limit": ("huge.png", picture(mode="1", size=(8_000, 8_000)), "too many pixels"),
    "header without its pixels": (
        "hollow.png",
        png_header_only(8_000, 8_000),
        "damaged or incomplete",
    ),
    "truncated PNG": (
        "cut-short.png",
        truncated(picture(size=(400, 300), noise=True)),
        "damaged or incomplete",
    ),
    "truncated JPEG": (
        "cut-short.jpg",
        truncated(picture("JPEG", size=(400, 300), noise=True)),
        "damaged or incomplete",
    ),
    "text named .jpg": (
        "not-a-photo.jpg",
        b"Definitely a photo of researchers, honest.\n" * 20,
        "Upload a valid image",
    ),
    "PNG named .jpg": ("wrong-extension.jpg", picture("PNG"), "does not match"),
    "format not allowed": ("old-format.bmp", picture("BMP"), "Not a supported image format"),
    "over the size limit": ("too-big.png", "oversize_png", "too big"),
}


@pytest.fixture
def editor_client(client, db):
    user = get_user_model().objects.create_user(username="uploader", password="unused")
    user.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(user)
    return client


@pytest.fixture(params=list(BAD_FILES), ids=list(BAD_FILES))
def bad_file(request):
    name, content, message = BAD_FILES[request.param]
    if isinstance(content, str):
        content = request.getfixturevalue(content)
    return name, content, message


def stored_files(name):
    """Files under MEDIA_ROOT whose name starts with the upload's stem."""
    stem = Path(name).stem
    return [p for p in Path(settings.MEDIA_ROOT).rglob(f"{stem}*") if p.is_file()]


def root_collection_id():
    return Collection.get_first_root_node().pk


def add_form_data(name, content, **extra):
    return {
        "title": "An upload",
        "description": "Two researchers at a microscope.",
        "collection": root_collection_id(),
        "tags": "",
        "file": SimpleUploadedFile(name, content),
        **extra,
    }


def test_add_view_refuses_bad_files(editor_client, bad_file):
    name, content, message = bad_file
    response = editor_client.post(reverse("wagtailimages:add"), add_form_data(name, content))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors["file"]), errors
    assert not Image.objects.exists()
    assert stored_files(name) == []


def test_multiple_uploader_refuses_bad_files(editor_client, bad_file):
    name, content, message = bad_file
    response = editor_client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile(name, content), "collection": root_collection_id()},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["success"] is False
    assert message in data["error_message"]
    assert not Image.objects.exists()
    assert not UploadedFile.objects.exists()
    assert stored_files(name) == []


def test_a_good_image_with_alt_text_is_stored(editor_client):
    response = editor_client.post(
        reverse("wagtailimages:add"), add_form_data("good-upload.jpg", picture("JPEG"))
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.description == "Two researchers at a microscope."
    assert (image.width, image.height) == (64, 48)
    assert len(stored_files("good-upload.jpg")) == 1


def test_add_view_requires_alt_text(editor_client):
    data = add_form_data("no-alt.png", picture(), description="  ")
    response = editor_client.post(reverse("wagtailimages:add"), data)
    assert response.status_code == 200
    assert "description" in response.context["form"].errors
    assert not Image.objects.exists()


def test_multiple_uploader_asks_for_alt_text_before_creating_the_image(editor_client):
    response = editor_client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile("many.png", picture()), "collection": root_collection_id()},
    )
    data = response.json()
    # The file is held as a pending upload, with the form that asks for the description.
    assert data["success"] is True and "description" in data["form"]
    assert not Image.objects.exists()
    upload = UploadedFile.objects.get()

    url = reverse("wagtailimages:create_multiple_from_uploaded_image", args=[upload.pk])
    prefix = f"uploaded-image-{upload.pk}"
    fields = {"title": "Many", "collection": root_collection_id(), "tags": ""}
    without = editor_client.post(url, {f"{prefix}-{k}": v for k, v in fields.items()})
    assert without.json()["success"] is False
    assert not Image.objects.exists()

    fields["description"] = "A pink square."
    with_alt = editor_client.post(url, {f"{prefix}-{k}": v for k, v in fields.items()})
    assert with_alt.json()["success"] is True
    assert Image.objects.get().description == "A pink square."


def test_replacing_an_image_file_is_checked_too(editor_client):
    editor_client.post(reverse("wagtailimages:add"), add_form_data("first.png", picture()))
    image = Image.objects.get()
    data = add_form_data("second.png", truncated(picture(size=(400, 300), noise=True)))
    response = editor_client.post(reverse("wagtailimages:edit", args=[image.pk]), data)
    assert response.status_code == 200
    assert "damaged or incomplete" in " ".join(response.context["form"].errors["file"])
    image.refresh_from_db()
    assert (image.width, image.height) == (64, 48)


@pytest.mark.skipif(not features.check("avif"), reason="Pillow built without AVIF")
def test_avif_uploads_and_renditions_work(editor_client):
    response = editor_client.post(
        reverse("wagtailimages:add"), add_form_data("modern.avif", picture("AVIF"))
    )
    assert response.status_code == 302, response.context["form"].errors
    image = Image.objects.get()
    rendition = image.get_rendition("fill-32x24|format-avif")
    assert rendition.file.name.endswith(".avif")
    assert image.get_rendition("fill-32x24|format-webp").file.name.endswith(".webp")
