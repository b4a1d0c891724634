"""StreamField blocks shared by every page type.

Editors get a small, safe set: no raw HTML, rich text limited to the
features a lay reader needs, and every image carries alt text.
"""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from portfolio.base.donations import validate_destination, validate_donate_url

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
SIMPLE_RICH_TEXT_FEATURES = ["bold", "italic", "link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(choices=[("h2", "Heading 2"), ("h3", "Heading 3")], default="h2")

    class Meta:
        icon = "title"
        template = "components/blocks/heading.html"


class LinkBlock(blocks.StructBlock):
    """A link to a page on this site or to an external address, with its own label."""

    label = blocks.CharBlock(max_length=80)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False, label="External URL")

    class Meta:
        icon = "link"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError("Choose a page or enter a URL, not both.")}
            )
        return value


class DonateDestinationBlock(blocks.StructBlock):
    """One page of the charity's donation platform that donate links may lead to."""

    label = blocks.CharBlock(max_length=80, help_text="For editors, e.g. “Bone research appeal”.")
    url = blocks.URLBlock(help_text="Must be an https:// address.")

    class Meta:
        icon = "link-external"

    def clean(self, value):
        value = super().clean(value)
        try:
            validate_destination(value["url"])
        except ValidationError as error:
            raise blocks.StructBlockValidationError(block_errors={"url": error}) from None
        return value


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        required=False,
        help_text="Describe the image for people who cannot see it. "
        "Leave empty only to use the image's own description.",
    )
    caption = blocks.CharBlock(max_length=250, required=False)
    credit = blocks.CharBlock(max_length=120, required=False)

    class Meta:
        icon = "image"
        template = "components/blocks/image.html"

    def clean(self, value):
        """Alt text here or on the image, on drafts too (unlike Wagtail's own ImageBlock).

        Publishing a revision (from the page list, a schedule or a workflow) does
        not validate blocks again, so a draft without alt text could go live."""
        value = super().clean(value)
        image = value.get("image")
        if image and not value.get("alt_text", "").strip() and not image.description.strip():
            raise blocks.StructBlockValidationError(
                block_errors={
                    "alt_text": ValidationError(
                        f"The image “{image.title}” has no alt text: describe it here, "
                        "or add a description to the image under Images."
                    )
                }
            )
        return value


class InlineQuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=800)
    attribution = blocks.CharBlock(max_length=160)
    role = blocks.CharBlock(max_length=160, required=False)

    class Meta:
        icon = "openquote"
        template = "components/blocks/quote.html"


class VideoBlock(blocks.StructBlock):
    """A video shown through Wagtail's embeds.

    The player loads only when the reader asks for it, so that no third-party
    script or cookie arrives with the page.
    """

    video = EmbedBlock(help_text="A YouTube or Vimeo address.")
    title = blocks.CharBlock(max_length=160)
    transcript = blocks.RichTextBlock(features=SIMPLE_RICH_TEXT_FEATURES, required=False)

    class Meta:
        icon = "media"
        template = "components/blocks/video.html"


class CallToActionBlock(blocks.StructBlock):
    """A call to action: to a page on this site, or to a donation page.

    Donation pages must be on the allow-list in Site settings; links to them
    go through the site's donate redirect, which counts the click.
    """

    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(max_length=400, required=False)
    button_label = blocks.CharBlock(max_length=60, default="Donate now")
    page = blocks.PageChooserBlock(required=False, help_text="Link to a page on this site...")
    donate_url = blocks.URLBlock(
        required=False,
        label="Donation page",
        help_text="...or to one of the donation pages in Site settings. "
        "Leave both empty for the default donation page.",
    )

    class Meta:
        icon = "pick"
        template = "components/blocks/call_to_action.html"

    def clean(self, value):
        value = super().clean(value)
        if value.get("page") and value.get("donate_url"):
            raise blocks.StructBlockValidationError(
                block_errors={"donate_url": ValidationError("Choose a page or a donation page.")}
            )
        try:
            validate_donate_url(value.get("donate_url"))
        except ValidationError as error:
            raise blocks.StructBlockValidationError(block_errors={"donate_url": error}) from None
        return value


class FactBlock(blocks.StructBlock):
    """A figure with its source, so that every statistic on the site can be checked."""

    figure = blocks.CharBlock(max_length=40, help_text="For example “1,000”.")
    text = blocks.CharBlock(max_length=200, help_text="What the figure means.")
    source = blocks.CharBlock(max_length=200)
    source_url = blocks.URLBlock(required=False)

    class Meta:
        icon = "info-circle"
        template = "components/blocks/fact.html"


class FactBoxBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    body = blocks.RichTextBlock(features=SIMPLE_RICH_TEXT_FEATURES + ["ul"])

    class Meta:
        icon = "help"
        template = "components/blocks/fact_box.html"


class BaseStreamBlock(blocks.StreamBlock):
    """Body content for standard pages; apps extend it with their own choosers."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    image = ImageBlock()
    quote = InlineQuoteBlock()
    video = VideoBlock()
    call_to_action = CallToActionBlock()
    fact_box = FactBoxBlock()
