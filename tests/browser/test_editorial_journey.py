"""A story's whole editorial life in a real browser: written by an editor, approved
by a moderator, then found by readers everywhere the site promises to show it.

Why through the admin UI and not the ORM: the journey only works if the pieces
editors actually touch work together — Wagtail's StreamField block chooser, the
image and page chooser modals, the plain multi-select for related projects, the
footer action menu that offers the workflow instead of *Publish*, the
moderator's review panel — and if the groups and workflow set up by
``portfolio.editorial`` give each role exactly those buttons. Unit tests cover
each part; this is the one place they are seen working end to end. The ORM
does nothing an editor or moderator would do: it sets the two demo passwords
(below), finds the demo objects to pick, and checks that what the screens claim
is what the database holds.

The demo loader gives ``editor`` and ``moderator`` random passwords unless
environment variables are set before loading; the module-scoped ``accounts``
fixture sets known ones afterwards, which does not depend on when the demo
content was loaded.

Wagtail 8 autosaves drafts in the background. Before the form is submitted the
test waits for the autosave indicator to settle, as a person would see the
"Saved" tick: a submit racing the first autosave of a new page could otherwise
create the page twice.
"""

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "a-known-password-for-this-test-only"
WORKFLOW = "Research and stories moderation"
SUBMIT = f"Submit to {WORKFLOW}"

TITLE = "Scans that show sooner whether bone treatment works"
INTRO = "A new scan could show within weeks whether treatment is working in the bone."
IMAGE_TITLE = "Home hero: cells in soft pink light"
IMAGE_SEARCH = "Home hero"
ALT_TEXT = "Pink cells, softly lit, seen through a microscope."
QUOTE = "Knowing sooner means fewer months on a treatment that is not working."
ATTRIBUTION = "A researcher on the project"
ATOM = "{http://www.w3.org/2005/Atom}"
SLOW = 20_000  # ms: a form post that saves a revision and runs the workflow


@pytest.fixture(scope="module")
def accounts(demo_site, django_db_blocker):
    """The demo editor and moderator, with a password the test can type."""
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock():
        for username in ("editor", "moderator"):
            user = get_user_model().objects.get(username=username)
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])


@pytest.fixture
def new_page(browser):
    """``new_page()`` -> a page in a fresh browser context (its own cookies)."""
    contexts = []

    def open_():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        for page in context.pages:
            # No request may still hold a database connection when the module ends.
            page.wait_for_load_state("networkidle")
        context.close()


@pytest.fixture
def shoot(screenshot_dir):
    def shoot_(page, name):
        page.screenshot(path=str(screenshot_dir / f"editorial-{name}.png"), full_page=True)

    return shoot_


def sign_in(page, base_url, username):
    page.goto(base_url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=username, exact=True)).to_be_visible()  # account menu


def sign_out(page, username):
    page.get_by_role("button", name=username, exact=True).click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def action_menu(page):
    """The footer's action menu, opened: the buttons that save, submit, publish..."""
    footer = page.get_by_role("navigation", name="Actions (footer)")
    footer.get_by_role("button", name="More actions").click()
    expect(footer.get_by_role("button").nth(2)).to_be_visible()
    return footer


def button_names(footer):
    return [" ".join(button.inner_text().split()) for button in footer.get_by_role("button").all()]


def chooser_modal(page, heading):
    # Wagtail's chooser modals are role=dialog without an accessible name: find them
    # by the heading people read.
    return page.get_by_role("dialog").filter(has=page.get_by_role("heading", name=heading))


def search_chooser(modal, field_name, term):
    """Search in a chooser modal, and wait until the listing shows the search results.

    The modal opens with a listing of its own that may already hold the wanted
    row: clicking it while the results replace it would lose the click."""
    modal.get_by_role("textbox", name=field_name).fill(term)
    expect(modal.get_by_role("alert")).to_have_text(re.compile(r"There (is|are) \d+ match"))


def insert_block(page, body, label):
    """Append a block through the "+" button and the block chooser's list of types."""
    body.get_by_role("button", name="Insert a block").last.click()
    page.get_by_role("option", name=label, exact=True).click()


def wait_for_autosave(page):
    expect(page.locator("#page-edit-form")).to_have_attribute(
        "data-w-unsaved-has-edits-value", "false"
    )
    expect(page.locator("#w-autosave-indicator")).not_to_have_attribute(
        "data-w-autosave-state-value", "saving"
    )


def fetch_xml(page, url):
    response = page.request.get(url)
    assert response.status == 200, f"{url} answered {response.status}"
    root = ET.fromstring(response.body())  # noqa: S314 (our own server's output)
    return response.headers["content-type"], root


def feed_addresses(page):
    """The RSS and Atom addresses the story index advertises to feed readers."""
    links = page.locator('head link[rel="alternate"]')
    return {
        kind: links.and_(page.locator(f'[type="application/{kind}+xml"]')).first.get_attribute(
            "href"
        )
        for kind in ("rss", "atom")
    }


def rss_items(root):
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None and channel.findtext("title")
    return {item.findtext("title"): item.findtext("link") for item in channel.findall("item")}


def atom_entries(root):
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") and root.findtext(f"{ATOM}updated")
    return {
        entry.findtext(f"{ATOM}title"): [
            link.get("href")
            for link in entry.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        for entry in root.findall(f"{ATOM}entry")
    }


def test_story_goes_from_editor_through_moderation_to_every_listing(
    demo_site, accounts, new_page, shoot, assert_accessible
):
    """The promise made to editors: write once, and once a moderator approves, readers
    find the story on every page and feed that lists stories, with nothing public
    before then. Each public page is checked with axe as it changes, because new
    editorial content (images, quotes, cards) is what most often breaks accessibility."""
    from django.utils import timezone
    from wagtail.images import get_image_model
    from wagtail.models import Site

    from portfolio.editorial import TASK
    from research.models import ResearchProjectPage, Theme
    from stories.models import StoryIndexPage, StoryPage

    base = demo_site.base_url
    index = StoryIndexPage.objects.get()
    theme = Theme.objects.get(slug="bone")
    project = (
        ResearchProjectPage.objects.live().public().filter(themes=theme).order_by("path").first()
    )
    assert project is not None, "the demo content has no live project about bone"
    image = get_image_model().objects.get(title=IMAGE_TITLE)
    site_root = Site.objects.get(is_default_site=True).root_url
    assert not StoryPage.objects.filter(title=TITLE).exists()

    # The editor writes the story ------------------------------------------------
    admin = new_page()
    sign_in(admin, base, "editor")
    admin.goto(f"{base}/admin/pages/{index.pk}/")
    admin.get_by_role("link", name="Add child page").click()
    # One page type fits under the story index, so Wagtail goes straight to its form.
    expect(admin).to_have_title(re.compile(r"^New: Story"))

    admin.get_by_role("textbox", name=re.compile(r"^Title")).fill(TITLE)
    admin.get_by_role("textbox", name=re.compile(r"^Story date")).fill(
        timezone.localdate().isoformat()
    )
    admin.keyboard.press("Escape")  # the date picker's calendar
    admin.get_by_role("textbox", name=re.compile(r"^Intro")).fill(INTRO)

    body = admin.get_by_role("region", name=re.compile(r"^Body"))
    insert_block(admin, body, "Image")
    body.get_by_role("button", name="Choose an image").click()
    images = chooser_modal(admin, "Choose an image")
    search_chooser(images, "Search term", IMAGE_SEARCH)
    images.get_by_role("link", name=IMAGE_TITLE).click()
    expect(images).to_be_hidden()
    expect(body.get_by_text(IMAGE_TITLE)).to_be_visible()
    body.get_by_role("textbox", name=re.compile(r"^Alt text")).fill(ALT_TEXT)

    insert_block(admin, body, "Quote")
    body.get_by_role("textbox", name=re.compile(r"^Quote")).fill(QUOTE)
    body.get_by_role("textbox", name=re.compile(r"^Attribution")).fill(ATTRIBUTION)

    insert_block(admin, body, "Related projects")
    body.get_by_role("button", name="Choose a page").click()
    pages = chooser_modal(admin, re.compile(r"^Choose"))
    search_chooser(pages, re.compile("Search"), project.title)
    pages.get_by_role("link", name=project.title, exact=True).click()
    expect(pages).to_be_hidden()
    expect(body.get_by_text(project.title)).to_be_visible()

    # What the project and theme pages list comes from these two fields, not the body.
    admin.get_by_role("listbox", name="Related projects").select_option(label=project.title)
    admin.get_by_role("checkbox", name=theme.name, exact=True).check()

    footer = action_menu(admin)
    names = button_names(footer)
    assert SUBMIT in names, names
    assert not [n for n in names if "publish" in n.lower()], f"an editor may publish: {names}"
    shoot(admin, "1-editor-writes")
    wait_for_autosave(admin)
    footer.get_by_role("button", name=SUBMIT).click()
    expect(admin.get_by_text(f"Page '{TITLE}' has been submitted for moderation.")).to_be_visible(
        timeout=SLOW
    )
    expect(
        admin.get_by_role("row").filter(has_text=TITLE).get_by_text("In moderation")
    ).to_be_visible()
    shoot(admin, "2-submitted")

    # In moderation: saved as the editor wrote it, and nowhere in public -------------
    story = StoryPage.objects.get(title=TITLE)  # exactly one: autosave made no twin
    assert not story.live
    assert story.owner.username == "editor"
    state = story.current_workflow_state
    assert state is not None and state.status == state.STATUS_IN_PROGRESS
    assert state.workflow.name == WORKFLOW
    assert story.current_workflow_task.name == TASK
    draft = story.get_latest_revision_as_object()
    assert [block.block_type for block in draft.body] == ["image", "quote", "related_projects"]
    image_block, quote_block, projects_block = (block.value for block in draft.body)
    assert image_block["image"] == image and image_block["alt_text"] == ALT_TEXT
    assert (quote_block["quote"], quote_block["attribution"]) == (QUOTE, ATTRIBUTION)
    assert [p.pk for p in projects_block["projects"]] == [project.pk]
    assert [p.pk for p in draft.related_projects.all()] == [project.pk]
    assert [t.pk for t in draft.themes.all()] == [theme.pk]
    story_path = urlsplit(story.get_url()).path
    story_url = site_root + story_path

    reader = new_page()
    response = reader.goto(base + story_path)
    assert response is not None and response.status == 404
    reader.goto(demo_site.url("story-index"))
    expect(reader.get_by_role("heading", level=1)).to_have_text(index.title)
    expect(reader.get_by_role("link", name=TITLE)).to_have_count(0)
    feeds = feed_addresses(reader)
    assert feeds == {
        "rss": site_root + index.feed_url("rss"),
        "atom": site_root + index.feed_url("atom"),
    }
    _, rss = fetch_xml(reader, base + urlsplit(feeds["rss"]).path)
    assert TITLE not in rss_items(rss)
    _, atom = fetch_xml(reader, base + urlsplit(feeds["atom"]).path)
    assert TITLE not in atom_entries(atom)

    # The moderator approves ---------------------------------------------------------
    sign_out(admin, "editor")
    sign_in(admin, base, "moderator")
    review = admin.get_by_role("region", name="Awaiting your review")
    shoot(admin, "3-awaiting-review")
    review.get_by_role("link", name=TITLE).click()
    expect(admin).to_have_title(re.compile(rf"^Editing Story: {re.escape(TITLE)}"))
    footer = action_menu(admin)
    shoot(admin, "4-moderator-actions")
    footer.get_by_role("button", name="Approve and Publish", exact=True).click()
    # Approving the last task publishes: Wagtail reports the save and lists the page live.
    expect(admin.get_by_text(f"Page '{TITLE}' has been updated.")).to_be_visible(timeout=SLOW)
    expect(
        admin.get_by_role("row")
        .filter(has_text=TITLE)
        .get_by_role("link", name="Current page status: live")
    ).to_be_visible()
    shoot(admin, "5-approved")

    story.refresh_from_db()
    assert story.live and not story.has_unpublished_changes
    state.refresh_from_db()
    assert state.status == state.STATUS_APPROVED
    assert state.task_states.get().finished_by.username == "moderator"

    # Readers find it everywhere -------------------------------------------------------
    response = reader.goto(base + story_path)
    assert response is not None and response.status == 200
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(reader.get_by_role("img", name=ALT_TEXT)).to_be_visible()
    expect(reader.locator("blockquote")).to_have_text(QUOTE)
    expect(
        reader.get_by_role("complementary", name="The research behind this").get_by_role(
            "link", name=project.title
        )
    ).to_be_visible()
    shoot(reader, "6-story")
    assert_accessible(reader, f"the new story {story_path}")

    reader.goto(demo_site.url("story-index"))
    expect(reader.get_by_role("link", name=TITLE)).to_be_visible()
    shoot(reader, "7-story-index")
    assert_accessible(reader, "the story index with the new story")

    content_type, rss = fetch_xml(reader, base + urlsplit(feeds["rss"]).path)
    assert content_type.startswith("application/rss+xml")
    assert rss_items(rss).get(TITLE) == story_url
    content_type, atom = fetch_xml(reader, base + urlsplit(feeds["atom"]).path)
    assert content_type.startswith("application/atom+xml")
    assert atom_entries(atom).get(TITLE) == [story_url]
    assert story_url.startswith(("http://", "https://"))

    reader.goto(base + urlsplit(project.get_url()).path)
    stories = reader.get_by_role("region", name="Stories about this research")
    expect(stories.get_by_role("link", name=TITLE)).to_be_visible()
    shoot(reader, "8-project")
    assert_accessible(reader, "the related project with the new story")

    reader.goto(demo_site.url("theme"))
    expect(reader.get_by_role("heading", level=1)).to_have_text(theme.name)
    stories = reader.get_by_role("region", name="Stories", exact=True)
    expect(stories.get_by_role("link", name=TITLE)).to_be_visible()
    shoot(reader, "9-theme")
    assert_accessible(reader, "the theme page with the new story")


def test_editors_action_menu_has_no_publish(demo_site, accounts, new_page):
    """Editors must reach readers only through a moderator, for new pages and live ones."""
    from stories.models import StoryIndexPage, StoryPage

    index = StoryIndexPage.objects.get()
    live_story = StoryPage.objects.live().order_by("path").first()
    before = StoryPage.objects.count()

    admin = new_page()
    sign_in(admin, demo_site.base_url, "editor")
    for address in (
        f"/admin/pages/{index.pk}/add_subpage/",
        f"/admin/pages/{live_story.pk}/edit/",
    ):
        admin.goto(demo_site.base_url + address)
        names = button_names(action_menu(admin))
        assert SUBMIT in names, f"{address}: {names}"
        assert not [n for n in names if "publish" in n.lower()], f"{address}: {names}"
        admin.keyboard.press("Escape")
    assert StoryPage.objects.count() == before
