"""Every image a page shows has alt text, and the editor's checker runs every axe rule.

A page cannot be saved (as a draft or published) while an image it uses has
no alt text: neither its own alt-text field nor the image's description.
"""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.admin.userbar import AccessibilityItem, ContentCheckerItem, apply_userbar_hooks
from wagtail.blocks import StructBlockValidationError
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from portfolio.base.blocks import ImageBlock
from portfolio.wagtail_hooks import FullContentCheckerItem
from tests.portfolio.factories import ImageFactory
from tests.research.factories import ResearchProjectPageFactory
from tests.stories.factories import StoryPageFactory


@pytest.fixture
def undescribed(db):
    return ImageFactory(title="Lab bench", description="")


@pytest.fixture
def described(db):
    return ImageFactory(title="Microscope", description="A researcher at a microscope.")


def block_value(image, alt_text=""):
    block = ImageBlock()
    return block, block.to_python({"image": image.pk, "alt_text": alt_text, "caption": ""})


def test_image_block_needs_alt_text_somewhere(undescribed):
    block, value = block_value(undescribed)
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)
    assert "alt_text" in error.value.block_errors
    assert "Lab bench" in str(error.value.block_errors["alt_text"])


def test_image_block_alt_text_or_description_is_enough(undescribed, described):
    block, value = block_value(undescribed, alt_text="An empty lab bench.")
    block.clean(value)
    block, value = block_value(described)
    block.clean(value)


def test_image_block_checks_drafts_too(undescribed):
    """Wagtail defers its own ImageBlock's check on drafts; this one does not."""
    block, value = block_value(undescribed)
    with pytest.raises(StructBlockValidationError):
        block.clean_deferred(value)


def test_project_image_needs_alt_text(site_tree, undescribed):
    project = ResearchProjectPageFactory(image=None)
    project.image = undescribed
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert set(error.value.message_dict) == {"image_alt"}
    project.image_alt = "An empty lab bench."
    project.full_clean()


def test_story_hero_image_needs_alt_text(site_tree, undescribed, described):
    story = StoryPageFactory(hero_image=described)
    story.hero_image = undescribed
    with pytest.raises(ValidationError) as error:
        story.full_clean()
    assert set(error.value.message_dict) == {"hero_alt"}


@pytest.mark.parametrize("field", ["listing_image", "social_image"])
def test_listing_and_sharing_images_need_a_description(site_tree, undescribed, field):
    story = StoryPageFactory()
    setattr(story, field, undescribed)
    with pytest.raises(ValidationError) as error:
        story.full_clean()
    assert set(error.value.message_dict) == {field}


def test_home_hero_image_needs_a_description(site_tree, undescribed):
    home = site_tree.home
    home.hero_image = undescribed
    with pytest.raises(ValidationError) as error:
        home.full_clean()
    assert set(error.value.message_dict) == {"hero_image"}


def test_editor_cannot_save_a_draft_with_an_image_without_alt_text(
    site_tree, admin_client, undescribed
):
    story = StoryPageFactory()
    url = reverse("wagtailadmin_pages:edit", args=[story.pk])
    data = querydict_from_html(admin_client.get(url).content.decode(), form_id="page-edit-form")
    body = streamfield(
        [
            ("paragraph", rich_text("<p>Words.</p>")),
            ("image", {"image": undescribed.pk, "alt_text": "", "caption": "", "credit": ""}),
        ]
    )
    data.update(nested_form_data({"body": body}))
    data["hero_image"] = undescribed.pk
    revisions = story.revisions.count()

    response = admin_client.post(url, data)

    assert response.status_code == 200
    form = response.context["form"]
    assert "hero_alt" in form.errors
    assert "body" in form.errors
    assert story.revisions.count() == revisions


# The accessibility checker --------------------------------------------------------


def test_userbar_and_editor_checks_run_every_axe_rule(rf):
    items = [AccessibilityItem(), AccessibilityItem(in_editor=True)]
    apply_userbar_hooks(rf.get("/"), items, None)
    assert [type(item) for item in items] == [FullContentCheckerItem] * 2
    assert items[1].in_editor
    options = items[0].get_axe_configuration(rf.get("/"))["options"]
    assert "runOnly" not in options  # axe's way of saying "every rule"
    # Wagtail's own checks (alt text quality, empty meta description) stay on.
    assert isinstance(items[0], ContentCheckerItem)
    rules = {rule["id"] for rule in items[0].get_axe_spec(rf.get("/"))["rules"]}
    assert {"alt-text-quality", "empty-meta-description"} <= rules


def test_page_editor_checks_panel_uses_every_rule(site_tree, admin_client):
    story = StoryPageFactory()
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[story.pk])).content
    match = re.search(
        r'<script id="checker-axe-configuration" type="application/json">(.*?)</script>',
        html.decode(),
        re.S,
    )
    assert match
    assert "runOnly" not in json.loads(match[1])["options"]
