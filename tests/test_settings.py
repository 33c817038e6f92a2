"""Settings come from the environment, with safe defaults; production refuses to start unsafe."""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
  "DEBUG": settings.DEBUG, "ENGINE": settings.DATABASES["default"]["ENGINE"],
  "NAME": str(settings.DATABASES["default"]["NAME"]), "BROKER": settings.CELERY_BROKER_URL,
  "EMAIL_BACKEND": settings.EMAIL_BACKEND, "TIME_ZONE": settings.TIME_ZONE,
  "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
}))
"""
ENV_KEYS = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL",
            "SECURE_SSL_REDIRECT", "SECURE_COOKIES", "DJANGO_ALLOW_ASYNC_UNSAFE")


def _run(args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    clean.update(env)
    return subprocess.run([sys.executable, *args], env=clean, cwd=settings.BASE_DIR,  # noqa: S603
                          capture_output=True, text=True, timeout=60)


def _settings(**env):
    result = _run(["-c", PROBE], DJANGO_SETTINGS_MODULE="config.settings", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_defaults_are_the_embedded_ones():
    values = _settings(DEBUG="true")
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["NAME"].endswith("var/db.sqlite3")
    assert values["BROKER"].startswith("filesystem://")
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["TIME_ZONE"] == "Europe/London"


def test_values_are_read_from_the_environment():
    values = _settings(SECRET_KEY="x" * 60, ALLOWED_HOSTS="a.example,b.example",
                       DATABASE_URL="postgres://u@db.example:5433/spr",
                       REDIS_URL="redis://cache.example:6380/1", EMAIL_URL="smtp://mail.example:25")
    assert values["DEBUG"] is False
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["NAME"] == "spr"
    assert values["BROKER"] == "redis://cache.example:6380/1"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["ALLOWED_HOSTS"] == ["a.example", "b.example"]


def test_debug_is_off_by_default_and_a_missing_secret_refuses_to_start():
    result = _run(["-c", PROBE], DJANGO_SETTINGS_MODULE="config.settings")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_the_example_files_placeholder_key_refuses_to_start_even_in_development():
    for debug in ("false", "true"):
        result = _run(["-c", PROBE], DJANGO_SETTINGS_MODULE="config.settings", DEBUG=debug,
                      SECRET_KEY="replace-with-50-or-more-random-characters")
        assert result.returncode != 0
        assert "SECRET_KEY is still the example file's placeholder" in result.stderr


def test_migrations_can_be_checked_without_a_secret_but_nothing_else_runs():
    result = _run(["manage.py", "makemigrations", "--check", "--dry-run"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout
    result = _run(["manage.py", "check"])
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_deploy_checks_pass_with_debug_off():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                  DEBUG="False", SECRET_KEY="k8#Lz" * 12, ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stdout + result.stderr
