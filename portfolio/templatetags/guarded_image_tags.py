"""Wagtail's image tags, unchanged, except that a failing rendition can't take a page down.

Installed under Wagtail's own library name (`TEMPLATES` option "libraries":
"wagtailimages_tags" -> this module, see settings/base.py), so every template,
ours and the admin's, gets the guard without changing its `{% load %}` line.
`{% image %}`, `{% srcset_image %}` and `{% picture %}` parse exactly as
Wagtail's; when rendering one raises (an original Willow can't convert, a
file that went missing in a way Wagtail doesn't catch), the tag renders
nothing and the error is logged (`portfolio.base.images.guard_rendition`).
Every other tag and filter of the library is Wagtail's own object.
"""

from django import template
from wagtail.images.templatetags import wagtailimages_tags as wagtail_tags

from portfolio.base.images import guard_rendition

register = template.Library()
register.tags.update(wagtail_tags.register.tags)
register.filters.update(wagtail_tags.register.filters)


class GuardedImageNode(template.Node):
    """Renders Wagtail's image node; on failure, nothing (and a log entry)."""

    def __init__(self, node):
        self.node = node

    def render(self, context):
        def describe():
            try:
                image = self.node.image_expr.resolve(context)
            except Exception:  # noqa: BLE001 - only for the log message
                image = None
            return f"{image!r} (pk {getattr(image, 'pk', None)}) {self.node.filter_specs}"

        return guard_rendition(lambda: self.node.render(context), describe)


def guarded(parser, token):
    return GuardedImageNode(wagtail_tags.image(parser, token))


for _name in ("image", "srcset_image", "picture"):
    register.tag(_name, guarded)
