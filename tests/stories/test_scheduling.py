"""Scheduled publishing and expiry, run by `manage.py publish_scheduled`.

In production a scheduler runs the command every few minutes (see the
`scheduler` service in docker-compose.yml). Here the clock is moved by
patching `django.utils.timezone.now`, which both the command and Wagtail's
publishing read, instead of waiting.
"""

import datetime
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from portfolio.editorial import EDITORS, MODERATORS
from stories.models import StoryPage
from tests.stories.factories import StoryPageFactory

HOUR = datetime.timedelta(hours=1)


def run_publish_scheduled(at=None):
    """Run the command as a scheduler would, at `at` (default: now)."""
    if at is None:
        call_command("publish_scheduled")
        return
    with mock.patch("django.utils.timezone.now", return_value=at):
        call_command("publish_scheduled")


def fresh(page):
    return StoryPage.objects.get(pk=page.pk)


@pytest.fixture
def scheduled_story(site_tree):
    """A new story approved to go live in an hour's time."""
    story = StoryPageFactory(parent=site_tree.stories, title="Embargoed results", live=False)
    story.go_live_at = timezone.now() + HOUR
    story.save_revision().publish()
    return fresh(story)


def test_publishing_with_a_future_go_live_schedules_instead(scheduled_story, client):
    assert not scheduled_story.live
    assert scheduled_story.latest_revision.approved_go_live_at == scheduled_story.go_live_at
    assert client.get("/stories/embargoed-results/").status_code == 404


def test_not_live_before_its_time(scheduled_story, client):
    run_publish_scheduled()
    run_publish_scheduled(at=scheduled_story.go_live_at - datetime.timedelta(minutes=1))
    assert not fresh(scheduled_story).live
    assert client.get("/stories/embargoed-results/").status_code == 404


def test_live_once_the_scheduler_runs_after_its_time(scheduled_story, client):
    run_publish_scheduled(at=scheduled_story.go_live_at + datetime.timedelta(minutes=5))
    story = fresh(scheduled_story)
    assert story.live
    assert story.latest_revision.approved_go_live_at is None
    assert client.get("/stories/embargoed-results/").status_code == 200


def test_a_live_story_expires_when_the_scheduler_runs_after_its_expiry(site_tree, client):
    story = StoryPageFactory(parent=site_tree.stories, title="Time-limited appeal")
    story.expire_at = timezone.now() + HOUR
    story.save_revision().publish()
    assert client.get("/stories/time-limited-appeal/").status_code == 200

    run_publish_scheduled()
    assert fresh(story).live

    run_publish_scheduled(at=story.expire_at + datetime.timedelta(minutes=5))
    story = fresh(story)
    assert not story.live and story.expired
    assert client.get("/stories/time-limited-appeal/").status_code == 404


# Scheduling through the admin ---------------------------------------------------


def member_of(group_name, username):
    user = get_user_model().objects.create_user(username=username, password="unused")
    user.groups.add(Group.objects.get(name=group_name))
    return user


def post_with_go_live(client, story, go_live_at):
    url = reverse("wagtailadmin_pages:edit", args=[story.pk])
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    body = streamfield([("paragraph", rich_text("<p>The story, told in plain words.</p>"))])
    data.update(nested_form_data({"body": body}))
    data["go_live_at"] = timezone.localtime(go_live_at).strftime("%Y-%m-%d %H:%M")
    data["action-publish"] = "action-publish"
    return client.post(url, data)


@pytest.fixture
def draft_story(site_tree):
    story = StoryPageFactory(parent=site_tree.stories, title="Draft for the morning", live=False)
    story.save_revision()
    return fresh(story)


def test_moderator_schedules_a_story_in_the_editor(draft_story, client):
    client.force_login(member_of(MODERATORS, "moderator"))
    go_live = (timezone.now() + 2 * HOUR).replace(second=0, microsecond=0)
    response = post_with_go_live(client, draft_story, go_live)
    assert response.status_code == 302
    story = fresh(draft_story)
    assert not story.live
    assert story.latest_revision.approved_go_live_at == go_live

    run_publish_scheduled(at=go_live + datetime.timedelta(minutes=1))
    assert fresh(draft_story).live


def test_editor_cannot_schedule(draft_story, client):
    client.force_login(member_of(EDITORS, "editor"))
    go_live = (timezone.now() + 2 * HOUR).replace(second=0, microsecond=0)
    post_with_go_live(client, draft_story, go_live)
    story = fresh(draft_story)
    assert story.latest_revision.approved_go_live_at is None

    run_publish_scheduled(at=go_live + datetime.timedelta(minutes=1))
    assert not fresh(draft_story).live
