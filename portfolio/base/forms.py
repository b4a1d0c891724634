"""The admin's image form (`WAGTAILIMAGES_IMAGE_FORM_BASE`): alt text and sound files.

Every image upload goes through it: the add and edit views, the multiple
uploader and the upload tab of the image chooser.
"""

import struct

from django.core.exceptions import ValidationError
from PIL import Image as PILImage
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

DESCRIPTION_HELP = (
    "Alt text: what the image shows, for people who cannot see it, in a sentence. "
    "Pages use it wherever they don't give their own."
)
DAMAGED_FILE = (
    "This image file is damaged or incomplete, so it can't be shown on the site. "
    "Export it again from the original and upload the new file."
)


class CheckedImageField(WagtailImageField):
    """Wagtail's image field, refusing damaged files with a form error.

    Wagtail's own checks (format, extension, file size, pixel count) read the
    file's header, and a file that breaks off in the wrong place makes them
    raise an `OSError`: a server error for the editor. One that breaks off
    later passes them, and fails on the site when its renditions are made.
    Both are refused here, while the editor can still do something about it."""

    def to_python(self, data):
        try:
            upload = super().to_python(data)
        except (OSError, SyntaxError, ValueError, EOFError, struct.error) as error:
            if isinstance(error, ValidationError):
                raise
            raise ValidationError(DAMAGED_FILE, code="invalid_image") from error
        if upload is not None:
            check_decodes(upload)
        return upload


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
            self.fields["file"] = CheckedImageField(
                label=file_field.label, required=file_field.required, widget=file_field.widget
            )


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
