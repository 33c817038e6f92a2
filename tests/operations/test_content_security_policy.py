"""The Content Security Policy (django-csp): on every answer the service gives, with a new
nonce for base.html's one inline script each time, and no template that needs more. The
journeys in Chromium prove no page breaks it (tests/conftest.py's ``page`` fixture)."""

import re

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

HEADER = "Content-Security-Policy"
POLICY = {
    "default-src": "'self'",
    "script-src": "'self' 'nonce-{nonce}'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "object-src": "'none'",
}
SCRIPT_NONCE = re.compile(r'<script nonce="([^"]+)">')


def _directives(response) -> dict[str, str]:
    return dict(part.split(" ", 1) for part in response[HEADER].split("; "))


@pytest.mark.django_db
def test_a_page_names_only_the_service_and_a_new_nonce_for_its_one_inline_script(
        client, make_user):
    client.force_login(make_user())
    nonces = []
    for _ in range(2):
        response = client.get(reverse("dashboards:home"))
        assert response.status_code == 200
        html = response.content.decode()
        assert len(SCRIPT_NONCE.findall(html)) == 1
        nonce = SCRIPT_NONCE.search(html).group(1)
        assert _directives(response) == {k: v.format(nonce=nonce) for k, v in POLICY.items()}
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["localhost"])
def test_every_answer_carries_the_policy_sign_in_errors_and_health_included(client):
    answers = {
        "sign-in": client.get(reverse("accounts:sign-in")),
        "sign-in refused": client.post(reverse("accounts:sign-in"),
                                       {"username": "nobody@example.org", "password": "x"}),
        "anonymous redirect": client.get(reverse("cases:case-list")),
        "not found": client.get("/no-such-page/"),
        "unknown host": client.get("/sign-in/", HTTP_HOST="evil.example"),
        "health": client.get("/health/"),
    }
    for name, response in answers.items():
        assert "frame-ancestors 'none'" in response[HEADER], name
        assert "script-src 'self'" in response[HEADER], name


# Pages only: documents/ is WeasyPrint's (a PDF, never shown by the browser).
PAGE_TEMPLATES = [path for path in (settings.BASE_DIR / "templates").rglob("*")
                  if path.suffix in (".html", ".svg") and "documents" not in path.parts]
INLINE = {
    "a style attribute": re.compile(r"\sstyle\s*="),
    "a <style> element": re.compile(r"<style[\s>]"),
    "an event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "an inline script without the nonce": re.compile(r"<script(?![^>]*\b(src|nonce)=)[^>]*>"),
}


def test_no_page_template_has_inline_code_or_styles_the_policy_would_refuse():
    assert len(PAGE_TEMPLATES) > 100
    examples = ['<p style="color: red">', "<style>", '<a onclick="go()">',
                '<a href="javascript:go()">', "<script>go()</script>"]
    assert [bool(p.search(e)) for p, e in zip(INLINE.values(), examples, strict=True)] == [
        True] * len(examples)  # each pattern finds what it is for
    found = [f"{path.relative_to(settings.BASE_DIR)}: {what}"
             for path in PAGE_TEMPLATES for what, pattern in INLINE.items()
             if pattern.search(path.read_text())]
    assert found == []
