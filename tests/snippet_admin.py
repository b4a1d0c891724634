"""The checks every snippet's admin must pass, shared by the apps' `test_admin` modules.

Editors manage themes, institutions, researchers, quotes, achievements and
authors through Wagtail's snippet views. A subclass names the factory and one
plain-text field to change (`DraftSnippetAdminContract` for draftable
snippets); the checks drive the real list, add, edit and
preview views through the client as a superuser, with the edit form's own data.
"""

import pytest
from django.urls import reverse
from wagtail.models import DraftStateMixin
from wagtail.test.utils.form_data import querydict_from_html


def edit_form_data(client, url):
    """The data the edit form at `url` would post as it stands."""
    response = client.get(url)
    assert response.status_code == 200
    return querydict_from_html(response.content.decode(), form_id="w-editor-form")


@pytest.mark.django_db
class SnippetAdminContract:
    factory = None
    field = None  # a plain-text field the test changes
    new_value = None

    @property
    def model(self):
        return self.factory._meta.model

    def url(self, name, *args):
        meta = self.model._meta
        return reverse(f"wagtailsnippets_{meta.app_label}_{meta.model_name}:{name}", args=args)

    @pytest.fixture
    def obj(self):
        return self.factory()

    def test_list_view_shows_the_snippet(self, admin_client, obj):
        response = admin_client.get(self.url("list"))
        assert response.status_code == 200
        assert str(obj) in response.content.decode()

    def test_add_view_renders(self, admin_client):
        assert admin_client.get(self.url("add")).status_code == 200

    def test_edit_view_renders(self, admin_client, obj):
        response = admin_client.get(self.url("edit", obj.pk))
        assert response.status_code == 200
        assert str(obj) in response.content.decode()

    def test_saving_in_the_admin_records_a_revision(self, admin_client, obj):
        """Revisions are the audit trail: who changed a public fact, and when."""
        data = edit_form_data(admin_client, self.url("edit", obj.pk))
        data[self.field] = self.new_value
        if issubclass(self.model, DraftStateMixin):
            data["action-publish"] = "action-publish"
        before = obj.revisions.count()

        response = admin_client.post(self.url("edit", obj.pk), data)

        assert response.status_code == 302, _form_errors(response)
        obj.refresh_from_db()
        assert getattr(obj, self.field) == self.new_value
        assert obj.revisions.count() == before + 1
        assert obj.latest_revision.content[self.field] == self.new_value

    def test_preview_renders_the_unsaved_change(self, admin_client, obj):
        data = edit_form_data(admin_client, self.url("edit", obj.pk))
        data[self.field] = self.new_value
        preview_url = self.url("preview_on_edit", obj.pk)

        posted = admin_client.post(preview_url, data)
        assert posted.json() == {"is_valid": True, "is_available": True}

        response = admin_client.get(preview_url)
        assert response.status_code == 200
        assert self.new_value in response.content.decode()
        obj.refresh_from_db()
        assert getattr(obj, self.field) != self.new_value


class DraftSnippetAdminContract(SnippetAdminContract):
    """The checks above, plus drafts, for snippets with DraftStateMixin."""

    def test_saving_a_draft_leaves_the_live_version_alone(self, admin_client, obj):
        """An unpublished edit must not reach the public site."""
        old_value = getattr(obj, self.field)
        data = edit_form_data(admin_client, self.url("edit", obj.pk))
        data[self.field] = self.new_value

        response = admin_client.post(self.url("edit", obj.pk), data)

        assert response.status_code == 302, _form_errors(response)
        obj.refresh_from_db()
        assert getattr(obj, self.field) == old_value
        assert obj.has_unpublished_changes
        assert obj.latest_revision.content[self.field] == self.new_value


def _form_errors(response):
    context = getattr(response, "context", None) or {}
    form = context.get("form") if hasattr(context, "get") else None
    return f"status {response.status_code}; form errors: {getattr(form, 'errors', None)}"
