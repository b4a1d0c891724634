"""Admin forms: the image form (`WAGTAILIMAGES_IMAGE_FORM_BASE`: alt text, sound files
that every browser can show) and the text cleaning of every admin form field.

Every image upload goes through the image form: the add and edit views, the
multiple uploader and the upload tab of the image chooser.
"""

import struct

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from PIL import Image as PILImage
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.widgets import AdminAutoHeightTextInput
from wagtail.blocks import BlockField
from wagtail.fields import RichTextField, StreamField
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from .images import animation_notice, make_stored_file_web_ready, web_ready
from .text import clean_data, clean_text

DESCRIPTION_HELP = (
    "Alt text: what the image shows, for people who cannot see it, in a sentence. "
    "Pages use it wherever they don't give their own."
)
DAMAGED_FILE = (
    "This image file is damaged or incomplete, so it can't be shown on the site. "
    "Export it again from the original and upload the new file."
)

UNSUPPORTED_FORMAT_ADVICE = (
    "Web browsers can't show this kind of file (a TIFF from a microscope or scanner, "
    "say): open it in an image editor and export it as PNG (for microscope images, "
    "charts and diagrams) or JPEG (for photos), then upload that."
)


class CheckedImageField(WagtailImageField):
    """Wagtail's image field, refusing damaged files with a form error.

    Wagtail's own checks (format, extension, file size, pixel count) read the
    file's header, and a file that breaks off in the wrong place makes them
    raise an `OSError`: a server error for the editor. One that breaks off
    later passes them, and fails on the site when its renditions are made.
    Both are refused here, while the editor can still do something about it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail's message lists the formats; say what to do with a TIFF or BMP too.
        self.error_messages["invalid_image_extension"] = (
            f"{self.error_messages['invalid_image_extension']} {UNSUPPORTED_FORMAT_ADVICE}"
        )

    def to_python(self, data):
        try:
            upload = super().to_python(data)
        except (OSError, SyntaxError, ValueError, EOFError, struct.error) as error:
            if isinstance(error, ValidationError):
                raise
            raise ValidationError(DAMAGED_FILE, code="invalid_image") from error
        if upload is not None:
            check_decodes(upload)
            upload = web_ready(upload)
        return upload


# What an editor is told before uploading, wherever they upload (the single and the
# multiple uploader); each animated image's own edit form says so again afterwards.
ANIMATED_UPLOAD_HELP = (
    "An animated GIF or WebP is shown as a still picture: only its first frame appears on the site."
)


class ImageForm(BaseImageForm):
    """Wagtail's image form, with the description (Wagtail's alt text) required and
    damaged files refused (`CheckedImageField`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "description" in self.fields:
            self.fields["description"].required = True
            self.fields["description"].label = "Description (alt text)"
            self.fields["description"].help_text = DESCRIPTION_HELP
        file_field = self.fields.get("file")
        if file_field is not None and not isinstance(file_field, CheckedImageField):
            # Same label and widget (Wagtail's form sets attributes on it); only the
            # checks differ. The multiple uploader's edit form has no file field.
            checked = self.fields["file"] = CheckedImageField(
                label=file_field.label, required=file_field.required, widget=file_field.widget
            )
            # Beside the file input and on the multiple uploader's drop zone (Wagtail's
            # field writes its own help text, formats and size, when it is made).
            checked.help_text = f"{checked.help_text} {ANIMATED_UPLOAD_HELP}".strip()
        # An animated GIF or WebP is accepted, but the site shows its first frame only:
        # say so wherever the editor meets the image after uploading it (the multiple
        # uploader's form, the edit view).
        notice = animation_notice(getattr(self.instance, "file", None))
        if notice:
            target = self.fields.get("file") or self.fields.get("title")
            if target is not None:
                target.help_text = f"{notice} {target.help_text or ''}".strip()

    def save(self, commit=True):
        if "file" not in self.fields and self.instance.file:
            # The multiple uploader holds a file as a pending upload while it asks for the
            # alt text, and stores the file as it came, not as the upload form cleaned it:
            # make a stored high-bit-depth file web-ready here, before the image is saved.
            make_stored_file_web_ready(self.instance)
        return super().save(commit=commit)


def check_decodes(upload):
    """Decode the whole image; a damaged or truncated file raises a ValidationError.

    JPEGs are decoded at an eighth of their size (`draft`), which still reads
    every byte of the file but needs a sixty-fourth of the memory. Other
    formats are bounded by `WAGTAILIMAGES_MAX_IMAGE_PIXELS`, checked before."""
    upload.seek(0)
    try:
        with PILImage.open(upload) as image:
            if image.format == "JPEG":
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError) as error:
        raise ValidationError(DAMAGED_FILE, code="invalid_image") from error
    finally:
        upload.seek(0)


# --- text in every admin form -----------------------------------------------------------


class CleanCharField(forms.CharField):
    """Django's CharField, with control characters removed (`clean_text`) before the
    value is validated and saved: pasted text can't break a feed or the database."""

    def to_python(self, value):
        return clean_text(super().to_python(value))


class CleanBlockField(BlockField):
    """Wagtail's StreamField form field, with `clean_text` applied to every string of the
    validated value (CharBlock, TextBlock and rich text alike, at any depth)."""

    def clean(self, value):
        value = super().clean(value)
        raw = self.block.get_prep_value(value)
        cleaned = clean_data(raw)
        return value if cleaned == raw else self.block.to_python(cleaned)


def register_text_cleaning():
    """Make every Wagtail admin form (pages, snippets, settings, images) clean its text.

    Uses Wagtail's public `register_form_field_override`, so each model field keeps
    its usual form field and widget: `exact_class` leaves EmailField, URLField and
    SlugField (CharField subclasses with their own validation) alone. Called once,
    from the portfolio app's `ready()`."""
    register_form_field_override(
        models.CharField, override={"form_class": CleanCharField}, exact_class=True
    )
    # Wagtail registers its auto-height widget for TextField exactly like this; keep it.
    register_form_field_override(
        models.TextField,
        override={"form_class": CleanCharField, "widget": AdminAutoHeightTextInput},
        exact_class=True,
    )
    register_form_field_override(
        RichTextField, override={"form_class": CleanCharField}, exact_class=True
    )
    register_form_field_override(
        StreamField, override={"form_class": CleanBlockField}, exact_class=True
    )
