"""The readability score that editors see under a lay summary or a story intro.

`ReadabilityPanel` is a `FieldPanel` that adds the score of the saved text
below the field when the editor opens; `static/js/admin/readability.js`
(added to every editor by `portfolio.wagtail_hooks`) sends the text to
`readability_view` as the editor types and puts the new result in its place.
Both render the same template, so the first score and the live ones look
and read the same. The limit comes from *Settings → Site settings*, so the
charity can tighten or relax it without a deploy.
"""

from django.http import JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST
from wagtail.admin.panels import FieldPanel
from wagtail.models import Site

from .readability import score

RESULT_TEMPLATE = "editorial/readability_result.html"
DEFAULT_MAX_READING_AGE = 12


def max_reading_age(request):
    """The site's limit, or the default where no site (or no settings row) exists yet."""
    from .models import SiteSettings

    site = Site.find_for_request(request) if request else None
    if site is None:
        return DEFAULT_MAX_READING_AGE
    return SiteSettings.for_site(site).max_reading_age


def render_result(text, request):
    result = score(text)
    limit = max_reading_age(request)
    context = {
        "result": result,
        "max_age": limit,
        "too_hard": bool(result and result.reading_age > limit),
    }
    return render_to_string(RESULT_TEMPLATE, context, request=request), context


@require_POST
def readability_view(request):
    """The score of the posted `text`, as JSON with the HTML to show.

    Registered under /admin/, so Wagtail lets in only people who may use the
    admin; it reads nothing but the posted text and stores nothing."""
    html, context = render_result(request.POST.get("text", ""), request)
    result = context["result"]
    data = {"html": html, "max_reading_age": context["max_age"], "too_hard": context["too_hard"]}
    if result:
        data.update(
            words=result.words,
            sentences=result.sentences,
            reading_age=result.reading_age,
            flesch_reading_ease=round(result.flesch_reading_ease, 1),
            flesch_kincaid_grade=round(result.flesch_kincaid_grade, 1),
        )
    return JsonResponse(data)


class ReadabilityPanel(FieldPanel):
    """A field with its plain-English score beneath it, updated as the editor types."""

    class BoundPanel(FieldPanel.BoundPanel):
        template_name = "editorial/readability_field_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            if self.bound_field is not None:
                context["readability_html"], _ = render_result(
                    self.bound_field.value(), self.request
                )
                context["readability_url"] = reverse("portfolio_readability")
            return context
