"""The second step of signing in: set up an authenticator app, enter its code (or a
recovery code), see the recovery codes once. Signed in with a password, not yet verified:
these pages (and signing out) are all such a session may open."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from . import two_factor
from .forms import ConfirmForm, SecondFactorCodeForm, apply_service_errors
from .middleware import second_factor_not_required


def own_page_or_home(request, target: str) -> str:
    """``target`` if it is one of the service's own pages (never another site), else home:
    where to send someone on after signing in or staying signed in."""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return reverse("dashboards:home")


def _next(request) -> str:
    """Where the person was going."""
    return own_page_or_home(request, request.GET.get("next") or "")


def _onward(name: str, request) -> str:
    """Another step of signing in, carrying where the person was going."""
    query = request.GET.urlencode()
    return f"{reverse(name)}?{query}" if query else reverse(name)


@second_factor_not_required
@require_http_methods(["GET", "POST"])
def code(request):
    if request.user.is_verified():
        return redirect(_next(request))
    if not two_factor.has_app(request.user):
        return redirect(_onward("accounts:second-factor-set-up", request))
    form = SecondFactorCodeForm(request.POST or None, recovery=True)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.code_check(request, user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect(_next(request))
    return render(request, "accounts/two_factor/code.html",
                  {"form": form})


@second_factor_not_required
@require_http_methods(["GET", "POST"])
def set_up(request):
    if request.user.is_verified() or two_factor.has_app(request.user):
        return redirect(_onward("accounts:second-factor", request))
    key = two_factor.new_key(request)
    form = SecondFactorCodeForm(request.POST or None, submit="Continue")
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.app_set_up(request, user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect(_onward("accounts:recovery-codes", request))
    return render(request, "accounts/two_factor/set_up.html", {
        "form": form, "qr_code": two_factor.qr_code(request.user, key),
        "key_for_typing": two_factor.key_for_typing(key)})


@second_factor_not_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """The codes just made, shown until the person says they have saved them."""
    codes = request.session.get(two_factor.SESSION_NEW_RECOVERY_CODES)
    if not codes or not request.user.is_verified():
        return redirect(_next(request))
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        del request.session[two_factor.SESSION_NEW_RECOVERY_CODES]
        return redirect(_next(request))
    return render(request, "accounts/two_factor/recovery_codes.html",
                  {"form": form, "codes": codes})
