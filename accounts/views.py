"""Sign-in, home pages per role, and the partnership's directory pages. Views stay thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET

from calendars.selectors import my_deadlines
from cases.selectors import referral_inbox, referrals_for_agency_user
from rapid_review.selectors import agency_requests_with_states, chase_list

from . import rules, selectors
from .audit import audit_record
from .forms import ChoosePartnershipForm, PasswordResetForm, SetPasswordForm, SignInForm
from .middleware import CurrentPartnershipMiddleware
from .models import AuditEvent, Role, User
from .rules import require


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password-reset-sent")

    def form_valid(self, form):
        user = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        audit_record(action=AuditEvent.Action.PASSWORD_RESET, obj=user,
                     detail={"known_account": user is not None})
        return super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@require_GET
def home(request):
    """One page, with a section for each role the user holds in the current partnership."""
    partnership = request.partnership
    roles = rules.roles_in(request.user, partnership)
    agencies = [m.agency for m in rules.memberships_of(request.user)
                if m.role == Role.AGENCY_USER and m.partnership == partnership]
    partners = [m.get_statutory_partner_display() for m in rules.memberships_of(request.user)
                if m.role == Role.PARTNER_REPRESENTATIVE and m.partnership == partnership]
    return render(request, "accounts/home.html", {
        "roles": roles,
        "my_deadlines": my_deadlines(request.user, partnership),
        "inbox": referral_inbox(request.user, partnership)[:10]
        if roles & rules.BUSINESS_UNIT else [],
        "my_referrals": referrals_for_agency_user(request.user, partnership)[:5]
        if Role.AGENCY_USER in roles else [],
        "today": timezone.localdate(),
        "link_cases": rules.can_view_partnership_deadlines(request.user, partnership),
        "Role": Role,
        "my_agencies": agencies,
        "my_partners": partners,
        "is_business_unit": bool(roles & rules.BUSINESS_UNIT),
        "agency_requests": agency_requests_with_states(request.user, partnership)[:10]
        if Role.AGENCY_USER in roles else [],
        "chase_rows": chase_list(request.user, partnership)[:5]
        if roles & rules.BUSINESS_UNIT else [],
    })


def choose_partnership(request):
    partnerships = selectors.partnerships_visible_to(request.user).order_by("name")
    form = ChoosePartnershipForm(request.POST or None, partnerships=partnerships)
    if request.method == "POST" and form.is_valid():
        request.session[CurrentPartnershipMiddleware.SESSION_KEY] = form.cleaned_data[
            "partnership"
        ]
        messages.success(request, "You changed the partnership you are working in")
        return redirect("accounts:home")
    if request.partnership is not None:
        form.initial["partnership"] = request.partnership.pk
    return render(request, "accounts/choose_partnership.html", {"form": form})


@require_GET
def agency_list(request):
    require(rules.can_view_agency_directory(request.user, request.partnership))
    agencies = selectors.agencies_visible_to(request.user, request.partnership)
    return render(request, "accounts/agency_list.html", {"agencies": agencies})


@require_GET
def agency_detail(request, pk: int):
    require(rules.can_view_agency_directory(request.user, request.partnership))
    agency = get_object_or_404(selectors.agencies_visible_to(request.user, request.partnership),
                               pk=pk)
    return render(request, "accounts/agency_detail.html", {"agency": agency})


@require_GET
def people(request):
    require(rules.can_view_people(request.user, request.partnership))
    members = selectors.members_visible_to(request.user, request.partnership)
    return render(request, "accounts/people.html", {"members": members})


@require_GET
def audit_trail(request):
    require(rules.can_view_audit_trail(request.user, request.partnership))
    events = selectors.audit_events_visible_to(request.user, request.partnership)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_trail.html", {"page": page})


@require_GET
def partnership_detail(request, code: str):
    partnership = get_object_or_404(selectors.partnerships_visible_to(request.user), code=code)
    return render(request, "accounts/partnership_detail.html", {"shown": partnership})
