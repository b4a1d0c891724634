"""Response headers and request limits that protect visitors and editors.

* :class:`SiteCSPMiddleware`: django-csp's middleware, with two policies: the strict
  ``CONTENT_SECURITY_POLICY`` on public pages (no ``'unsafe-inline'``, no
  ``'unsafe-eval'``) and ``CONTENT_SECURITY_POLICY_ADMIN`` under the Wagtail admin,
  whose own templates carry inline scripts and styles.
* :class:`PermissionsPolicyMiddleware`: the ``Permissions-Policy`` header (Django has
  none built in), from ``PERMISSIONS_POLICY``.
* :class:`RequestBodyLimitMiddleware`: 413 for a request body over
  ``PUBLIC_MAX_REQUEST_BODY`` bytes outside the admin. Django's own
  ``DATA_UPLOAD_MAX_MEMORY_SIZE`` only answers 400, and only once the body is read.
* :func:`client_ip`: the visitor's address for login throttling (django-axes), from a
  proxy header only when ``TRUSTED_PROXY_IP_HEADER`` says which one to trust.
* :func:`password_reset_request`: Wagtail's password-reset form, throttled like the
  login (every request counts as an attempt for the address and the e-mail).

Settings and their environment variables are in ``portfolio/settings/base.py``
("Security" block) and README.md.
"""

import ipaddress

from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render


def is_admin_path(path):
    """True for the Wagtail admin (``/admin/...``, ``ADMIN_PATH_PREFIXES``)."""
    return path.startswith(tuple(settings.ADMIN_PATH_PREFIXES))


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing the admin policy for admin paths.

    Views can still adjust either policy with django-csp's decorators
    (``csp_update``, ``csp_replace``...), which take precedence as usual.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if parts.config is not None or report_only:
            return parts
        if is_admin_path(request.path_info):
            admin = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", None)
            if admin:
                return PolicyParts(admin["DIRECTIVES"], parts.update, parts.replace, parts.nonce)
        elif getattr(request, "is_preview", False):
            # Wagtail renders a preview by passing a request for the page's public URL
            # through the middleware; the editor's preview panel frames it. The public
            # policy, so previews show what visitors get, but framable by the admin.
            replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
            return PolicyParts(parts.config, parts.update, replace, parts.nonce)
        return parts


class PermissionsPolicyMiddleware:
    """Add ``Permissions-Policy`` (browser features the site never uses are switched off).

    ``PERMISSIONS_POLICY`` maps a feature name to a list of allowed origins; an empty
    list gives ``feature=()``, i.e. off for every origin, including embedded frames.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = self.build(getattr(settings, "PERMISSIONS_POLICY", {}))

    @staticmethod
    def build(policy):
        items = []
        for feature, origins in policy.items():
            values = " ".join("self" if o == "self" else f'"{o}"' for o in origins)
            items.append(f"{feature}=({values})")
        return ", ".join(items)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response


class RequestBodyLimitMiddleware:
    """Answer 413 Content Too Large when a public URL is sent a large body.

    Nothing public takes more than a small form, so ``PUBLIC_MAX_REQUEST_BODY``
    (bytes, from ``Content-Length``) is small; the admin, where editors upload images
    and documents, is left to ``ADMIN_MAX_REQUEST_BODY``. The check happens before the
    body is read, so the worker never spends time receiving it. The proxy in front
    (deploy/nginx.conf) enforces the same limits.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            return HttpResponse(
                "The request's length is not a number.",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        limit = (
            settings.ADMIN_MAX_REQUEST_BODY
            if is_admin_path(request.path_info)
            else settings.PUBLIC_MAX_REQUEST_BODY
        )
        if length > limit:
            return HttpResponse(
                f"This request is too large: at most {limit:,} bytes are accepted here.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def client_ip(request):
    """The visitor's IP address, as a string, for django-axes (``AXES_CLIENT_IP_CALLABLE``).

    Without ``TRUSTED_PROXY_IP_HEADER``, ``REMOTE_ADDR`` (the peer of the worker).
    With it (a ``request.META`` key such as ``HTTP_X_FORWARDED_FOR``), the address that
    the nearest trusted proxy saw: the ``TRUSTED_PROXY_COUNT``-th entry from the right
    of a comma-separated list, since entries further left are whatever the client
    sent. A missing or malformed value falls back to ``REMOTE_ADDR``, never to a
    client-chosen string.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    header = getattr(settings, "TRUSTED_PROXY_IP_HEADER", "")
    if not header:
        return remote
    entries = [item.strip() for item in request.META.get(header, "").split(",") if item.strip()]
    count = max(1, getattr(settings, "TRUSTED_PROXY_COUNT", 1))
    if len(entries) < count:
        return remote
    candidate = entries[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out attempt (``AXES_LOCKOUT_CALLABLE``).

    Status ``AXES_HTTP_RESPONSE_CODE`` (429), saying how many attempts are allowed
    and how many minutes to wait; JSON for script requests. The username is not
    echoed back.
    """
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.headers.get("X-Requested-With") in {"XMLHttpRequest", "fetch"}:
        return JsonResponse({"error": "locked_out", **context}, status=status)
    response = render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=status)
    response["Retry-After"] = str(minutes * 60)
    return response


def password_reset_request(request, *args, **kwargs):
    """Wagtail's password-reset form, with django-axes' lockout.

    A locked-out address or e-mail gets axes' lockout response (status
    ``AXES_HTTP_RESPONSE_CODE``); otherwise each POST is recorded as an attempt
    (``user_login_failed``, credentials ``{"username": <e-mail>}``), so at most
    ``AXES_FAILURE_LIMIT`` reset e-mails can be requested in the cool-off period,
    and a password-guessing address cannot switch to flooding reset e-mails.
    """
    from axes.handlers.proxy import AxesProxyHandler
    from wagtail.admin.views.account import PasswordResetView

    if request.method == "POST":
        credentials = {settings.AXES_USERNAME_FORM_FIELD: request.POST.get("email", "")[:254]}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return lockout_response(request, None, credentials)
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    return PasswordResetView.as_view()(request, *args, **kwargs)
