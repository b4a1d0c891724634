"""The production recipe: nginx in front of gunicorn (deploy/nginx.conf, docker-compose.yml),
and the app's own 413 for oversized request bodies."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import override_settings

BASE_DIR = Path(__file__).resolve().parents[2]
NGINX_CONF = BASE_DIR / "deploy" / "nginx.conf"
COMPOSE = BASE_DIR / "docker-compose.yml"


def compose_services():
    """{service name: its block of docker-compose.yml, as text} (no YAML parser installed)."""
    services, name = {}, None
    for line in COMPOSE.read_text().splitlines():
        match = re.fullmatch(r"  ([a-z0-9_-]+):", line)
        if match:
            name = match.group(1)
            services[name] = []
        elif re.match(r"^\S", line):
            name = None
        elif name:
            services[name].append(line)
    return {key: "\n".join(lines) for key, lines in services.items()}


def test_nginx_config_passes_nginxs_own_check(tmp_path):
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/bin/nginx") if Path(p).exists()), None
    )
    if nginx is None:
        pytest.skip("nginx not installed (apt-get install nginx-light) to check deploy/nginx.conf")
    # "web" only resolves inside the compose network; nginx -t resolves upstream names.
    conf = NGINX_CONF.read_text().replace("server web:8000;", "server 127.0.0.1:8000;")
    assert conf != NGINX_CONF.read_text(), "the upstream is no longer web:8000"
    target = tmp_path / "nginx.conf"
    target.write_text(conf)
    result = subprocess.run(  # noqa: S603 - the system's nginx on our own file
        [nginx, "-t", "-c", str(target), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_config_has_the_protections():
    conf = NGINX_CONF.read_text()
    for directive in (
        "client_max_body_size 64k;",
        "client_max_body_size 50m;",
        "client_body_timeout 10s;",
        "client_header_timeout 10s;",
        "send_timeout 30s;",
        "proxy_request_buffering on;",
        "proxy_buffering on;",
        "gzip on;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        'add_header Cache-Control "public, max-age=31536000, immutable" always;',
    ):
        assert directive in conf, directive


def test_compose_publishes_only_the_proxy():
    services = compose_services()
    assert "ports:" not in services["web"], "gunicorn must not be published"
    proxy = services["proxy"]
    assert re.search(r"image: nginx:[0-9.]+", proxy), "the official nginx image"
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in proxy
    assert '"8000:80"' in proxy
    assert "TRUSTED_PROXY_IP_HEADER: HTTP_X_FORWARDED_FOR" in services["web"]
    # The app's limits match the proxy's.
    from django.conf import settings

    assert settings.PUBLIC_MAX_REQUEST_BODY == 64 * 1024
    assert settings.ADMIN_MAX_REQUEST_BODY == 50 * 1024 * 1024


# --- The app's own limit ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/research/", "/donate/", "/no-such-page/"])
def test_oversized_public_bodies_get_413(site_tree, client, path):
    body = b"x" * (64 * 1024 + 1)
    response = client.post(path, data=body, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_a_claimed_300_mb_multipart_body_is_refused_before_reading(site_tree, client):
    # Only the header is sent: the app must answer from Content-Length alone.
    response = client.generic(
        "POST",
        "/",
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(300 * 1024 * 1024),
    )
    assert response.status_code == 413


def test_small_public_bodies_pass_through(site_tree, client):
    response = client.post("/", data={"q": "cells"})
    assert response.status_code != 413


def test_malformed_content_length_is_a_400(site_tree, client):
    response = client.generic("POST", "/", data=b"", CONTENT_LENGTH="lots")
    assert response.status_code == 400


@override_settings(ADMIN_MAX_REQUEST_BODY=1024 * 1024)
def test_admin_uploads_have_their_own_larger_limit(db, client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("a", "a@example.org", "pw"))
    medium = b"x" * (200 * 1024)  # over the public limit, under the admin's
    response = client.post("/admin/login/", data=medium, content_type="application/octet-stream")
    assert response.status_code != 413
    large = b"x" * (1024 * 1024 + 1)
    response = client.post("/admin/login/", data=large, content_type="application/octet-stream")
    assert response.status_code == 413
