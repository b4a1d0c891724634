"""Editors write, moderators publish: the groups, their permissions and the workflow.

The groups come from the data migration `portfolio.0003_editorial_groups`, so
they are in the test database already; the workflow is assigned to the
research and stories pages by `setup_editorial`, as the demo loader does.
Page edits go through the real admin views with the edit form's own data.
"""

import importlib

import pytest
from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from wagtail.models import (
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from portfolio.editorial import EDITORS, MODERATORS, TASK, WORKFLOW, setup_editorial
from research.models import Researcher
from stories.models import StoryPage
from tests.research.factories import ResearcherFactory
from tests.stories.factories import StoryPageFactory

MIGRATION = "0003_editorial_groups"


@pytest.fixture
def editorial(site_tree):
    setup_editorial()
    return site_tree


def member_of(group_name, username):
    user = get_user_model().objects.create_user(username=username, password="not-used-here")
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    return member_of(EDITORS, "editor")


@pytest.fixture
def moderator(db):
    return member_of(MODERATORS, "moderator")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def post_edit(client, page, action=None, **changes):
    """Post the page's edit form as it stands, with `changes` and the button `action`."""
    response = client.get(edit_url(page))
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    # StreamFields are drawn by JavaScript, so their inputs are not in the HTML.
    body = streamfield([("paragraph", rich_text("<p>The story, told in plain words.</p>"))])
    data.update(nested_form_data({"body": body}))
    for name, value in changes.items():
        data[name] = value
    if action:
        data[f"action-{action}"] = action
    return client.post(edit_url(page), data)


def fresh(page):
    return type(page).objects.get(pk=page.pk)


# The groups and their permissions -------------------------------------------


def group_permissions(name):
    group = Group.objects.get(name=name)
    return {
        "model": {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()},
        "page": {
            (p.page.depth, p.permission.codename)
            for p in GroupPagePermission.objects.filter(group=group)
        },
        "collection": {
            (p.collection.depth, p.permission.codename)
            for p in GroupCollectionPermission.objects.filter(group=group)
        },
    }


SNIPPETS = ["theme", "institution", "researcher", "quote", "achievement", "glossaryterm", "author"]
DRAFTABLE = ["researcher", "quote", "achievement", "author"]


def app_of(model):
    return "stories" if model == "author" else "research"


def test_editors_have_exactly_the_permissions_to_write(db):
    perms = group_permissions(EDITORS)
    assert perms["model"] == {"wagtailadmin.access_admin"} | {
        f"{app_of(m)}.{action}_{m}" for m in SNIPPETS for action in ("add", "change")
    }
    assert perms["page"] == {(1, "add_page"), (1, "change_page")}
    assert perms["collection"] == {
        (1, f"{action}_{kind}")
        for kind in ("image", "document")
        for action in ("add", "change", "choose")
    }


def test_moderators_have_the_editors_permissions_and_publishing(db):
    perms = group_permissions(MODERATORS)
    editors = group_permissions(EDITORS)
    assert editors["model"] < perms["model"]
    assert perms["model"] - editors["model"] == {f"{app_of(m)}.delete_{m}" for m in SNIPPETS} | {
        f"{app_of(m)}.publish_{m}" for m in DRAFTABLE
    }
    assert perms["page"] == {
        (1, codename)
        for codename in ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
    }
    assert perms["collection"] - editors["collection"] == {
        (1, "delete_image"),
        (1, "delete_document"),
    }


def test_the_workflow_has_one_task_for_the_moderators(db):
    workflow = Workflow.objects.get(name=WORKFLOW)
    tasks = [wt.task.specific for wt in WorkflowTask.objects.filter(workflow=workflow)]
    assert [(type(t), t.name) for t in tasks] == [(GroupApprovalTask, TASK)]
    assert list(tasks[0].groups.all()) == [Group.objects.get(name=MODERATORS)]
    assert workflow.active and tasks[0].active


def test_setup_assigns_the_workflow_to_the_research_and_stories_pages(site_tree):
    assignments = setup_editorial()
    assert sorted(assignments.assigned) == sorted(
        [site_tree.research.title, site_tree.stories.title]
    )
    for page in (site_tree.research, site_tree.stories):
        assert WorkflowPage.objects.get(page=page).workflow.name == WORKFLOW
    assert Page.objects.get(pk=site_tree.home.pk).get_workflow().name != WORKFLOW
    # Pages below a section use its workflow.
    story = StoryPageFactory(parent=site_tree.stories)
    assert story.get_workflow().name == WORKFLOW


def test_setup_leaves_a_workflow_chosen_by_someone_else(site_tree):
    other = Workflow.objects.create(name="Legal review", active=True)
    WorkflowPage.objects.create(page=site_tree.stories, workflow=other)
    assignments = setup_editorial()
    assert assignments.kept == [(site_tree.stories.title, "Legal review")]
    assert WorkflowPage.objects.get(page=site_tree.stories).workflow == other


def editorial_state():
    return {
        "groups": sorted(Group.objects.values_list("name", flat=True)),
        "permissions": Permission.objects.count(),
        "page permissions": sorted(
            GroupPagePermission.objects.values_list("group__name", "page_id", "permission_id")
        ),
        "collection permissions": sorted(
            GroupCollectionPermission.objects.values_list(
                "group__name", "collection_id", "permission_id"
            )
        ),
        "model permissions": sorted(
            Group.objects.values_list("name", "permissions__codename").exclude(
                permissions__isnull=True
            )
        ),
        "workflows": sorted(Workflow.objects.values_list("name", flat=True)),
        "tasks": sorted(GroupApprovalTask.objects.values_list("name", "groups__name")),
        "workflow tasks": sorted(WorkflowTask.objects.values_list("workflow_id", "task_id")),
        "workflow pages": sorted(WorkflowPage.objects.values_list("page_id", "workflow_id")),
    }


@pytest.fixture
def migration_function():
    module = importlib.import_module(f"portfolio.migrations.{MIGRATION}")
    return module.setup_editorial


@pytest.fixture
def historical_apps(db):
    """The models as the migration sees them, not as they are today."""
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(("portfolio", MIGRATION)).apps


def test_migration_run_twice_changes_nothing(site_tree, migration_function, historical_apps):
    migration_function(historical_apps, None)
    after_first = editorial_state()
    migration_function(historical_apps, None)
    assert editorial_state() == after_first
    # On an existing site the migration also puts the sections under the workflow.
    assert WorkflowPage.objects.filter(workflow__name=WORKFLOW).count() == 2


def test_migration_restores_exactly_the_defined_permissions(db, migration_function):
    expected = editorial_state()
    editors = Group.objects.get(name=EDITORS)
    extra = Permission.objects.get(codename="delete_theme")
    editors.permissions.add(extra)
    root = Page.get_first_root_node()
    GroupPagePermission.objects.create(
        group=editors, page=root, permission=Permission.objects.get(codename="publish_page")
    )
    Group.objects.get(name=MODERATORS).delete()

    migration_function(global_apps, None)

    state = editorial_state()
    moderators = Group.objects.get(name=MODERATORS)
    assert not editors.permissions.filter(pk=extra.pk).exists()
    assert not GroupPagePermission.objects.filter(
        group=editors, permission__codename="publish_page"
    ).exists()
    assert moderators.permissions.filter(codename="publish_researcher").exists()
    # Everything is as before, apart from the new Moderators group's ids.
    assert state["model permissions"] == expected["model permissions"]
    assert len(state["page permissions"]) == len(expected["page permissions"])
    assert len(state["collection permissions"]) == len(expected["collection permissions"])
    assert [t for t in state["tasks"] if t[0] == TASK] == [(TASK, MODERATORS)]


def test_setup_editorial_command_is_safe_to_repeat(editorial, capsys):
    before = editorial_state()
    call_command("setup_editorial")
    assert editorial_state() == before
    assert "are set up" in capsys.readouterr().out


# Editors write and submit; moderators publish and approve ---------------------


@pytest.fixture
def draft_story(editorial):
    """A story that has never been published."""
    story = StoryPageFactory(parent=editorial.stories, title="Draft story", live=False)
    story.save_revision()
    return fresh(story)


@pytest.fixture
def live_story(editorial):
    story = StoryPageFactory(parent=editorial.stories, title="Live story")
    story.save_revision().publish()
    return fresh(story)


def test_editor_cannot_publish_a_new_page(editor_client, draft_story, client):
    response = post_edit(editor_client, draft_story, "publish", intro="Ready to go, I hope.")
    assert response.status_code == 302
    story = fresh(draft_story)
    assert not story.live
    # The edit is kept as a draft revision instead.
    assert story.get_latest_revision_as_object().intro == "Ready to go, I hope."
    client.logout()
    assert client.get("/stories/draft-story/").status_code == 404


def test_editor_cannot_publish_a_change_to_a_live_page(editor_client, live_story, client):
    response = post_edit(editor_client, live_story, "publish", intro="An unchecked claim.")
    assert response.status_code == 302
    story = fresh(live_story)
    assert story.live and story.has_unpublished_changes
    assert story.intro != "An unchecked claim."
    client.logout()
    assert "An unchecked claim." not in client.get(story.url).content.decode()


def test_editor_sees_no_publish_button(editor_client, draft_story):
    html = editor_client.get(edit_url(draft_story)).content.decode()
    assert 'name="action-submit"' in html
    assert 'name="action-publish"' not in html


def test_editor_cannot_unpublish(editor_client, live_story):
    url = reverse("wagtailadmin_pages:unpublish", args=[live_story.pk])
    response = editor_client.post(url)
    assert response.status_code in (302, 403)
    assert fresh(live_story).live


def test_editor_cannot_delete_a_live_page(editor_client, live_story):
    url = reverse("wagtailadmin_pages:delete", args=[live_story.pk])
    editor_client.post(url)
    assert StoryPage.objects.filter(pk=live_story.pk).exists()


def test_editor_submits_for_moderation(editor_client, draft_story):
    response = post_edit(editor_client, draft_story, "submit", intro="Checked by the author.")
    assert response.status_code == 302
    story = fresh(draft_story)
    assert not story.live
    state = story.current_workflow_state
    assert state is not None and state.workflow.name == WORKFLOW
    assert state.current_task_state.task.name == TASK


def test_moderator_approves_and_the_page_goes_live(editor_client, draft_story, moderator, client):
    post_edit(editor_client, draft_story, "submit", intro="Checked by the author.")
    task_state = fresh(draft_story).current_workflow_state.current_task_state

    # The editor cannot approve their own submission.
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[draft_story.pk, "approve", task_state.pk]
    )
    editor_client.post(url, {"comment": ""})
    assert not fresh(draft_story).live

    client.force_login(moderator)
    response = client.post(url, {"comment": "Clear and accurate."})
    assert response.status_code in (200, 302)
    story = fresh(draft_story)
    assert story.live and story.intro == "Checked by the author."
    assert story.current_workflow_state is None
    client.logout()
    assert "Checked by the author." in client.get(story.url).content.decode()


def test_moderator_rejects_and_the_page_stays_a_draft(
    editor_client, draft_story, moderator, client
):
    post_edit(editor_client, draft_story, "submit")
    task_state = fresh(draft_story).current_workflow_state.current_task_state
    client.force_login(moderator)
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[draft_story.pk, "reject", task_state.pk]
    )
    client.post(url, {"comment": "Please add a source for the figures."})
    story = fresh(draft_story)
    assert not story.live
    assert story.workflow_states.get().status == "needs_changes"


def test_moderator_can_publish_directly(moderator_client, draft_story):
    response = post_edit(moderator_client, draft_story, "publish", intro="Published at once.")
    assert response.status_code == 302
    story = fresh(draft_story)
    assert story.live and story.intro == "Published at once."


def test_moderator_can_unpublish(moderator_client, live_story):
    url = reverse("wagtailadmin_pages:unpublish", args=[live_story.pk])
    assert moderator_client.post(url).status_code == 302
    assert not fresh(live_story).live


def test_moderator_can_lock_a_page(moderator_client, live_story):
    url = reverse("wagtailadmin_pages:lock", args=[live_story.pk])
    moderator_client.post(url)
    assert fresh(live_story).locked


def test_editor_cannot_publish_a_researcher_but_a_moderator_can(
    editorial, editor, moderator, client
):
    researcher = ResearcherFactory(role="Research fellow")
    researcher.save_revision().publish()
    url = reverse("wagtailsnippets_research_researcher:edit", args=[researcher.pk])

    def post(user, role):
        client.force_login(user)
        data = querydict_from_html(client.get(url).content.decode(), form_id="w-editor-form")
        data["role"] = role
        data["action-publish"] = "action-publish"
        return client.post(url, data)

    post(editor, "Professor of everything")
    researcher = Researcher.objects.get(pk=researcher.pk)
    assert researcher.role == "Research fellow" and researcher.has_unpublished_changes

    post(moderator, "Senior research fellow")
    researcher = Researcher.objects.get(pk=researcher.pk)
    assert researcher.role == "Senior research fellow" and not researcher.has_unpublished_changes


# What the public sees -------------------------------------------------------


def test_anonymous_visitors_get_404_for_unpublished_pages(draft_story, client):
    assert client.get("/stories/draft-story/").status_code == 404


def test_anonymous_visitors_see_the_live_version_not_the_draft(live_story, client):
    live_story.intro = "Draft wording nobody has checked."
    live_story.save_revision()
    html = client.get(fresh(live_story).url).content.decode()
    assert "Draft wording nobody has checked." not in html
    assert fresh(live_story).intro in html


def test_drafts_are_not_listed(draft_story, live_story, client):
    html = client.get("/stories/").content.decode()
    assert "Live story" in html
    assert "Draft story" not in html
