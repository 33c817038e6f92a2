"""Request-wide context: request id, client IP, the partnership the user is working in."""

from __future__ import annotations

from django.contrib.auth.middleware import LoginRequiredMiddleware as _DjangoLoginRequired
from django.utils.cache import add_never_cache_headers

from . import request_context, selectors


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_context.request_id_new()
        rid = request_context.request_id_var.set(request.request_id)
        ip = request_context.client_ip_var.set(request_context.client_ip_from(request.META))
        try:
            response = self.get_response(request)
        finally:
            request_context.request_id_var.reset(rid)
            request_context.client_ip_var.reset(ip)
        response["X-Request-ID"] = request.request_id
        return response


class CurrentPartnershipMiddleware:
    """Sets ``request.partnership``: the one chosen this session, else the user's first."""

    SESSION_KEY = "partnership_id"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.partnership = None
        if request.user.is_authenticated:
            request.partnership = selectors.current_partnership(
                user=request.user, chosen_id=request.session.get(self.SESSION_KEY)
            )
        return self.get_response(request)


class LoginRequiredMiddleware(_DjangoLoginRequired):
    """Deny by default: every page needs sign-in unless marked ``login_not_required``."""


class NoStoreMiddleware:
    """Nothing a signed-in person is shown is kept by a browser or a proxy cache: every
    response to a signed-in request (pages, downloads, errors) is ``Cache-Control:
    no-store``, so a child's record is not left on a shared computer's disk."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
