"""The demo's accounts and images, for `DemoLoader` (portfolio/demo/loader.py).

Accounts are never created with a guessable password: it comes from the
environment or is generated and shown once. Images are drawn with Pillow
(portfolio/demo/images.py) only when no image of that title exists yet.
"""

import io
import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.utils.text import slugify
from wagtail.images import get_image_model

from portfolio.base.images import set_file_metadata
from portfolio.editorial import EDITORS, MODERATORS

from . import content, images

# Demo accounts for the editorial workflow: (username, role, group, password variable).
DEMO_USERS = [
    ("editor", "editor", EDITORS, "DEMO_EDITOR_PASSWORD"),
    ("moderator", "moderator", MODERATORS, "DEMO_MODERATOR_PASSWORD"),
]


class DemoAccountsAndImagesMixin:
    """Needs `self.notices` (a list of messages) and `self.created` (counts by kind)."""

    def ensure_admin(self):
        """A superuser to sign in with, never with a password anyone could guess."""
        user_model = get_user_model()
        username = os.environ.get("DEMO_ADMIN_USERNAME") or "admin"
        user = user_model.objects.filter(username=username).first()
        if user:
            return user
        password = self.demo_password("superuser", username, "DEMO_ADMIN_PASSWORD")
        self.created["users"] += 1
        return user_model.objects.create_superuser(username=username, email="", password=password)

    def demo_password(self, role, username, variable):
        """The password in the environment `variable`, else a new random one, shown once
        in the notices (never a password anyone could guess)."""
        password = os.environ.get(variable)
        if password:
            self.notices.append(f"Created {role} '{username}' with the password from {variable}.")
            return password
        password = secrets.token_urlsafe(18)
        self.notices.append(
            f"Created {role} '{username}' with password: {password}\n"
            f"This password is shown only once. Sign in at /admin/ and change it, or set "
            f"{variable} before loading to choose it."
        )
        return password

    def ensure_demo_users(self):
        """One editor and one moderator to try the workflow with, passwords as for the admin."""
        user_model = get_user_model()
        for username, role, group_name, variable in DEMO_USERS:
            if user_model.objects.filter(username=username).exists():
                continue
            password = self.demo_password(role, username, variable)
            user = user_model.objects.create_user(username=username, email="", password=password)
            user.groups.add(Group.objects.get_or_create(name=group_name)[0])
            self.created["users"] += 1

    # Images ------------------------------------------------------------

    def image(self, title, alt, draw):
        """The image called `title`, drawing it only if it does not exist yet."""
        image_model = get_image_model()
        found = image_model.objects.filter(title=title).first()
        if found:
            return found
        data = draw()
        image = image_model(
            title=title,
            description=alt,
            file=ImageFile(io.BytesIO(data), name=f"demo-{slugify(title)[:60]}.jpg"),
        )
        set_file_metadata(image)
        image.save()
        self.created["images"] += 1
        return image

    def hero_image(self, key, title, alt):
        return self.image(title, alt, lambda: images.hero(key))

    def avatar(self, key, name, initials):
        return self.image(
            f"Portrait placeholder: {name}",
            f"The initials {initials} on a deep pink background, in place of a photo of {name}.",
            lambda: images.avatar(key, initials),
        )

    def share_card(self):
        card = content.SHARE_CARD
        return self.image(
            card["title"],
            card["alt"],
            lambda: images.share_card(card["kicker"], card["heading"], card["strapline"]),
        )
