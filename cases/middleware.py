"""The request body's size, refused before anything reads it (issue 15)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

from .uploads import max_file_size


class RequestSizeLimitMiddleware:
    """A body larger than the largest upload and its form (``UPLOAD_MAX_REQUEST_BYTES``) is
    answered with the "file too big" page (413) without reading it: placed before the
    session, CSRF and form handling, which would read it. Django reads no more than the
    declared Content-Length, so that is the size checked; the reverse proxy's
    ``client_max_body_size`` stops anything larger before it reaches the service."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.UPLOAD_MAX_REQUEST_BYTES:
            return HttpResponse(render_to_string("413.html", {
                "limit": max_file_size()}), status=413)
        return self.get_response(request)
