"""Who may do what in the admin: the Editors and Moderators groups, and the
moderation workflow for the research and stories sections.

Editors write: they create and edit pages, the research snippets and story
authors, upload images and documents, and submit pages for moderation.
They cannot publish, unpublish, schedule or delete anything that is live.
Moderators do all of that too, and publish (which includes scheduling and
unpublishing), approve or reject workflow tasks, delete, and lock pages.

The groups are defined here, once, and set up by `setup_editorial`, which
the data migration `portfolio.0003_editorial_groups`, the `setup_editorial`
management command and the demo loader all call. It takes an app registry,
so the migration runs it against its historical models and the command
against the real ones, and it only reads and writes Django's and Wagtail's
own permission and workflow tables. It is idempotent: a second run finds
everything in place and changes nothing. Each run sets the two groups'
permissions to *exactly* the lists below (on the root page and the root
collection), so change them here and in a new migration that calls
`setup_editorial` again, not by hand in the admin, where the next run
would undo the change.

Page permissions are granted on the tree's root page (depth 1), which
Wagtail's migrations create: the research and stories pages may not exist
yet when migrations run (they come from the demo loader or from editors).
So the groups can edit every page type; what they can add where is still
limited by each page type's parent and subpage types.
"""

from typing import NamedTuple

from django.apps import apps as global_apps

EDITORS = "Editors"
MODERATORS = "Moderators"
WORKFLOW = "Research and stories moderation"
TASK = "Moderator approval"

# The snippets editors look after: (app label, model name, has drafts and publishing).
SNIPPETS = [
    ("research", "theme", False),
    ("research", "institution", False),
    ("research", "researcher", True),
    ("research", "quote", True),
    ("research", "achievement", True),
    ("research", "glossaryterm", False),
    ("stories", "author", True),
]
# The media editors upload and choose, in the root collection: (app label, model name).
MEDIA = [("wagtailimages", "image"), ("wagtaildocs", "document")]
# The pages the moderation workflow is assigned to: (app label, model name).
SECTION_PAGES = [("research", "researchindexpage"), ("stories", "storyindexpage")]

PERMISSION_NAMES = {
    "access_admin": "Can access Wagtail admin",
    "add_page": "Add/edit pages you own",
    "change_page": "Edit any page",
    "publish_page": "Publish any page",
    "lock_page": "Lock/unlock pages you've locked",
    "unlock_page": "Unlock any page",
}


def snippet_permissions(actions, draftable_actions=()):
    return [
        (app, model, f"{action}_{model}")
        for app, model, draftable in SNIPPETS
        for action in [*actions, *(draftable_actions if draftable else ())]
    ]


def media_permissions(actions):
    return [(app, model, f"{action}_{model}") for app, model in MEDIA for action in actions]


GROUPS = {
    EDITORS: {
        # Model permissions: (app label, model name, codename).
        "model": [
            ("wagtailadmin", "admin", "access_admin"),
            *snippet_permissions(["add", "change"]),
        ],
        # On the root page: edit every page, publish none.
        "page": ["add_page", "change_page"],
        # On the root collection: (app label, model name, codename).
        "collection": media_permissions(["add", "change", "choose"]),
    },
    MODERATORS: {
        "model": [
            ("wagtailadmin", "admin", "access_admin"),
            *snippet_permissions(["add", "change", "delete"], draftable_actions=["publish"]),
        ],
        "page": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
        "collection": media_permissions(["add", "change", "choose", "delete"]),
    },
}


def get_permission(apps, app_label, model, codename):
    """The permission, created if missing.

    In a fresh database Django creates model permissions only after all
    migrations have run (a post_migrate signal), and Wagtail adds the
    snippets' publish permissions the same way, so a migration creates
    the ones it grants; the signal then finds them in place."""
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    content_type, _ = content_type_model.objects.get_or_create(app_label=app_label, model=model)
    action = codename.removesuffix(f"_{model}")
    default_name = f"Can {action} {model}"
    permission, _ = permission_model.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": PERMISSION_NAMES.get(codename, default_name)},
    )
    return permission


def set_object_permissions(model, group, target_field, target, permissions):
    """Exactly `permissions` for `group` on `target`: missing ones added, others removed."""
    existing = model.objects.filter(group=group, **{target_field: target})
    existing.exclude(permission__in=permissions).delete()
    for permission in permissions:
        model.objects.get_or_create(group=group, permission=permission, **{target_field: target})


def ensure_groups(apps):
    group_model = apps.get_model("auth", "Group")
    page_model = apps.get_model("wagtailcore", "Page")
    collection_model = apps.get_model("wagtailcore", "Collection")
    page_permission_model = apps.get_model("wagtailcore", "GroupPagePermission")
    collection_permission_model = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root_page = page_model.objects.filter(depth=1).order_by("path").first()
    root_collection = collection_model.objects.filter(depth=1).order_by("path").first()

    groups = {}
    for name, spec in GROUPS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.set([get_permission(apps, *p) for p in spec["model"]])
        if root_page is not None:
            page_permissions = [
                get_permission(apps, "wagtailcore", "page", codename) for codename in spec["page"]
            ]
            set_object_permissions(
                page_permission_model, group, "page", root_page, page_permissions
            )
        if root_collection is not None:
            set_object_permissions(
                collection_permission_model,
                group,
                "collection",
                root_collection,
                [get_permission(apps, *p) for p in spec["collection"]],
            )
        groups[name] = group
    return groups


def ensure_workflow(apps, moderators):
    """The workflow with its one task, approval by the Moderators group."""
    content_type_model = apps.get_model("contenttypes", "ContentType")
    workflow_model = apps.get_model("wagtailcore", "Workflow")
    task_model = apps.get_model("wagtailcore", "GroupApprovalTask")
    workflow_task_model = apps.get_model("wagtailcore", "WorkflowTask")

    task = task_model.objects.filter(name=TASK).order_by("pk").first()
    if task is None:
        task_type, _ = content_type_model.objects.get_or_create(
            app_label="wagtailcore", model="groupapprovaltask"
        )
        task = task_model.objects.create(name=TASK, content_type=task_type, active=True)
    task.groups.add(moderators)

    workflow = workflow_model.objects.filter(name=WORKFLOW).order_by("pk").first()
    if workflow is None:
        workflow = workflow_model.objects.create(name=WORKFLOW, active=True)
    if not workflow_task_model.objects.filter(workflow=workflow, task=task).exists():
        workflow_task_model.objects.create(
            workflow=workflow,
            task=task,
            sort_order=workflow_task_model.objects.filter(workflow=workflow).count(),
        )
    return workflow


class Assignments(NamedTuple):
    """What `setup_editorial` did with the section pages, by page title."""

    assigned: list  # titles of the pages just put under the workflow
    kept: list  # (title, workflow name) of the pages that keep a workflow of their own

    def lines(self):
        return [f"Assigned the workflow “{WORKFLOW}” to “{title}”." for title in self.assigned] + [
            f"“{title}” keeps its own workflow “{name}”." for title, name in self.kept
        ]


def assign_workflow(apps, workflow):
    """Put the research and stories index pages under the workflow.

    A section that already has a workflow of its own keeps it: someone chose
    it in *Settings → Workflows*."""
    content_type_model = apps.get_model("contenttypes", "ContentType")
    page_model = apps.get_model("wagtailcore", "Page")
    workflow_page_model = apps.get_model("wagtailcore", "WorkflowPage")
    assignments = Assignments(assigned=[], kept=[])
    for app_label, model in SECTION_PAGES:
        page_type = content_type_model.objects.filter(app_label=app_label, model=model).first()
        if page_type is None:
            continue
        for page in page_model.objects.filter(content_type=page_type).order_by("path"):
            current = workflow_page_model.objects.filter(page=page).first()
            if current is None:
                workflow_page_model.objects.create(page=page, workflow=workflow)
                assignments.assigned.append(page.title)
            elif current.workflow_id != workflow.pk:
                assignments.kept.append((page.title, current.workflow.name))
    return assignments


def setup_editorial(apps=global_apps):
    """Groups, permissions and workflow as defined above; returns the `Assignments`."""
    groups = ensure_groups(apps)
    workflow = ensure_workflow(apps, groups[MODERATORS])
    return assign_workflow(apps, workflow)
