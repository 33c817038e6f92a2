"""Request-wide context: request id, client IP, the partnership the user is working in."""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as _DjangoLoginRequired
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY

from . import read_audit, request_context, selectors, session_limits, two_factor
from .audit import reads_counted


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


class SessionLimitsMiddleware:
    """Ends a signed-in session past its idle or absolute limit, or begun before the account
    was switched off (session_limits.py): the request goes on signed out, so a page that
    needs sign-in sends the person to the sign-in page, which says why. Otherwise the
    request counts as activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            reason = session_limits.session_end_reason(request.session, request.user)
            if reason is None:
                session_limits.session_touch(request.session)
            else:
                request.session_end_reason = reason  # for the audit trail (signals.py)
                logout(request)
                if message := session_limits.end_message(reason):
                    messages.info(request, message)
        return self.get_response(request)


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
        # Who the row history names for this request's changes (accounts/history.py).
        actor = request_context.actor_id_var.set(
            request.user.pk if request.user.is_authenticated else None)
        try:
            return self.get_response(request)
        finally:
            request_context.actor_id_var.reset(actor)


class SecondFactorMiddleware:
    """``request.user.is_verified()``: this session passed the second step of signing in.
    django-otp's own middleware looks the device up on every request (a query a page); here
    the session alone says it, which is sound because sessions are kept on the server, only
    ``django_otp.login`` marks one, after a right code, and resetting someone's app ends
    their sessions (``two_factor.second_factor_reset``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user = SimpleLazyObject(partial(self._with_verified, request, request.user))
        return self.get_response(request)

    @staticmethod
    def _with_verified(request, user):
        user.otp_device = None
        user.is_verified = lambda: (user.is_authenticated
                                    and DEVICE_ID_SESSION_KEY in request.session)
        return user


def second_factor_not_required(view):
    """Marks the pages a person signed in with their password alone may open: the second
    step of signing in itself, and signing out."""
    view.second_factor_not_required = True
    return view


class LoginRequiredMiddleware(_DjangoLoginRequired):
    """Deny by default: every page needs sign-in unless marked ``login_not_required``, and
    the second step of signing in (an authenticator app's code) unless marked
    ``second_factor_not_required``; the operations admin included."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        refused = super().process_view(request, view_func, view_args, view_kwargs)
        if (refused is not None or not getattr(view_func, "login_required", True)
                or getattr(view_func, "second_factor_not_required", False)
                or request.user.is_verified()):
            return refused
        step = "accounts:second-factor" if two_factor.has_app(request.user) \
            else "accounts:second-factor-set-up"
        target = resolve_url(step)
        if request.method == "GET":
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        return HttpResponseRedirect(target)


class ReadAuditMiddleware:
    """Every read of a child's record audited, and every refusal (``read_audit``). After the
    sign-in check, so that it sees who is signed in; inside ``RequestContextMiddleware``, so
    that the events carry the request's id and the client's address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with reads_counted() as reads:
            response = self.get_response(request)
            read_audit.request_audit(request, response, reads_written=reads[0])
        return response


class NoStoreMiddleware:
    """Nothing the service renders is kept by a browser or a proxy cache: every response
    (pages, downloads, errors; static files are served before this) is ``Cache-Control:
    no-store``, so a child's record is not left on a shared computer's disk. For every
    response, not only signed-in ones: asking who is signed in would load the session
    again on the way out, a second wait when the database is not answering."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
