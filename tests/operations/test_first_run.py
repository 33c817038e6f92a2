"""`make run` serves like production: DEBUG off, its own error pages, static files, a local
secret key kept in var/ (production still refuses to start without one), plain HTTP on
localhost, and email links on the port it was started on."""

import json
import os
import stat
import subprocess
import sys

import pytest
from django.conf import settings
from django.template import loader
from django.test import override_settings

ROOT = settings.BASE_DIR
PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
  "DEBUG": settings.DEBUG, "SECRET_KEY": settings.SECRET_KEY,
  "ALLOWED_HOSTS": settings.ALLOWED_HOSTS, "SITE_URL": settings.SITE_URL,
  "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
  "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
  "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
}))
"""
# Whatever make test set, the probes start from a machine with nothing configured.
ENV_KEYS = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL",
            "SECURE_SSL_REDIRECT", "SECURE_COOKIES", "SECURE_HSTS_SECONDS", "SITE_URL", "PORT",
            "DJANGO_ALLOW_ASYNC_UNSAFE")


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    env.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings", **extra)
    return env


def _local_settings(tmp_path, **extra) -> dict:
    """The settings as `make run` starts them: scripts/local_env.sh, then Django."""
    result = subprocess.run(  # noqa: S603
        ["bash", "-c", 'source scripts/local_env.sh && exec "$0" -c "$1"',  # noqa: S607
         sys.executable, PROBE],
        env=_env(tmp_path, **extra), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_make_run_serves_with_debug_off_over_http_on_localhost(tmp_path):
    values = _local_settings(tmp_path)
    assert values["DEBUG"] is False
    assert {"localhost", "127.0.0.1"} <= set(values["ALLOWED_HOSTS"])
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is False


@pytest.mark.slow
def test_make_run_keeps_a_generated_secret_key_in_var_readable_only_by_its_owner(tmp_path):
    first = _local_settings(tmp_path)
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # The next run uses the same key, so sessions survive a restart.
    assert _local_settings(tmp_path)["SECRET_KEY"] == first["SECRET_KEY"]


def test_make_run_uses_a_secret_key_that_is_set_and_writes_none(tmp_path):
    values = _local_settings(tmp_path, SECRET_KEY="k" * 60)
    assert values["SECRET_KEY"] == "k" * 60
    assert not (tmp_path / "secret_key").exists()


def test_production_never_reads_the_local_key_and_still_refuses_to_start(tmp_path):
    _local_settings(tmp_path)  # var/secret_key now exists
    result = subprocess.run([sys.executable, "-c", PROBE], env=_env(tmp_path),  # noqa: S603
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


@pytest.mark.slow
def test_links_in_emails_use_the_port_the_service_runs_on(tmp_path):
    assert _local_settings(tmp_path, PORT="8765")["SITE_URL"] == "http://127.0.0.1:8765"
    assert _local_settings(tmp_path)["SITE_URL"] == "http://127.0.0.1:8000"
    # Behind a proxy the address users reach is set, whatever the port.
    assert _local_settings(tmp_path, PORT="8765", SITE_URL="https://reviews.example.org/")[
        "SITE_URL"] == "https://reviews.example.org"


@pytest.mark.django_db
def test_a_missing_page_is_the_service_404_never_the_debug_page(client, make_user):
    assert settings.DEBUG is False
    client.force_login(make_user())
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "govuk-template" in body
    assert "URLconf" not in body and "Using the URLconf" not in body


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["localhost"])
def test_a_request_for_an_unknown_host_is_the_service_400_page(client):
    response = client.get("/sign-in/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Sorry, the service could not read that request" in response.content.decode()


@pytest.mark.parametrize("template", ["400.html", "500.html"])
def test_error_pages_rendered_without_a_request_look_like_the_service(template):
    """Django renders these with no request and no context: they must not need either."""
    html = loader.get_template(template).render()
    assert 'class="govuk-template"' in html
    assert "/static/govuk/govuk-frontend.min.css" in html
    assert '<h1 class="govuk-heading-l">Sorry,' in html


@pytest.mark.django_db  # closing the response closes old database connections
def test_static_files_are_served_with_debug_off(client):
    for path in ("/static/css/service.css", "/static/govuk/govuk-frontend.min.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("text/css")
        assert "no-store" not in response.get("Cache-Control", "")  # pages only
        response.close()
