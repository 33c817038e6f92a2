"""Sign-in, the partnership's directory pages, and its administration in the service
(people and their roles, agencies, the partnership's settings). Views stay thin: rules
decide, services change, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.pagination import paginate

from . import rules, selectors, services, session_limits, throttling, two_factor
from .forms import (
    AgencyForm,
    AgencyShareForm,
    ChoosePartnershipForm,
    ConfirmForm,
    PartnershipSettingsForm,
    PasswordResetForm,
    PersonAddForm,
    RoleGiveForm,
    SetPasswordForm,
    SignInForm,
    apply_service_errors,
)
from .middleware import CurrentPartnershipMiddleware
from .models import Agency, Membership, User
from .request_context import client_ip_var
from .rules import require
from .two_factor_views import own_page_or_home


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
        outcome = throttling.password_reset_request(
            email=form.cleaned_data["email"], ip_address=client_ip_var.get())
        if outcome == throttling.ResetOutcome.REFUSED:
            form.add_error(None, throttling.password_reset_refused_message())
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if outcome == throttling.ResetOutcome.HELD_BACK:
            return redirect(self.get_success_url())  # the same answer, no email
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


@require_POST
def session_keep_alive(request):
    """'Stay signed in' in the timeout warning: the request itself is the activity (the
    middleware has checked the session is still on); it is recorded at once. The warning's
    script asks for JSON (how long is left now); a plain form post goes back to its page."""
    session_limits.session_touch(request.session, always=True)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"seconds_left": session_limits.seconds_left(request.session)})
    return redirect(own_page_or_home(request, request.POST.get("next", "")))


def choose_partnership(request):
    partnerships = selectors.partnerships_visible_to(request.user).order_by("name")
    form = ChoosePartnershipForm(request.POST or None, partnerships=partnerships)
    if request.method == "POST" and form.is_valid():
        request.session[CurrentPartnershipMiddleware.SESSION_KEY] = form.cleaned_data[
            "partnership"
        ]
        messages.success(request, "You changed the partnership you are working in")
        return redirect("dashboards:home")
    if request.partnership is not None:
        form.initial["partnership"] = request.partnership.pk
    return render(request, "accounts/choose_partnership.html", {"form": form})



@require_GET
def agency_list(request):
    require(rules.can_view_agency_directory(request.user, request.partnership))
    agencies = selectors.agencies_visible_to(request.user, request.partnership)
    return render(request, "accounts/agency_list.html", {
        "page": paginate(request, agencies),
        "can_manage": rules.can_manage_agencies(request.user, request.partnership)})


def _agency_or_404(request, pk: int) -> Agency:
    require(rules.can_view_agency_directory(request.user, request.partnership))
    return get_object_or_404(selectors.agencies_visible_to(request.user, request.partnership)
                             .prefetch_related("partnerships"), pk=pk)


@require_GET
def agency_detail(request, pk: int):
    agency = _agency_or_404(request, pk)
    can_manage = rules.can_manage_agencies(request.user, request.partnership)
    return render(request, "accounts/agency_detail.html", {
        "agency": agency, "can_manage": can_manage,
        "can_share": can_manage and selectors.agency_share_targets(
            request.user, agency).exists()})


@require_http_methods(["GET", "POST"])
def agency_edit(request, pk: int | None = None):
    """Add an agency to the directory, or change one (its named contact above all)."""
    partnership = request.partnership
    require(rules.can_manage_agencies(request.user, partnership))
    agency = _agency_or_404(request, pk) if pk else None
    initial = {f: getattr(agency, f) for f in services.AGENCY_FIELDS} if agency else None
    form = AgencyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.agency_save(actor=request.user, partnership=partnership,
                                         agency=agency, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{saved.name} {'saved' if agency else 'added'}")
            return redirect("accounts:agency-detail", pk=saved.pk)
    return render(request, "accounts/administration/agency_form.html", {
        "form": form, "agency": agency,
        "others": [p for p in agency.partnerships.all() if p.pk != partnership.pk]
        if agency else []})


@require_http_methods(["GET", "POST"])
def agency_share(request, pk: int):
    """The agency serves another partnership the administrator also administers."""
    require(rules.can_manage_agencies(request.user, request.partnership))
    agency = _agency_or_404(request, pk)
    targets = selectors.agency_share_targets(request.user, agency)
    form = AgencyShareForm(request.POST or None, partnerships=targets)
    if request.method == "POST":
        if request.POST.get("partnership") and selectors.partnerships_administered_by(
                request.user).filter(pk=request.POST["partnership"], agencies=agency).exists():
            # Shared already (the same form posted twice): nothing more to do.
            messages.success(request, f"{agency.name} shared")
            return redirect("accounts:agency-detail", pk=agency.pk)
        if form.is_valid():
            target = form.cleaned_data["partnership"]
            try:
                services.agency_share(actor=request.user, agency=agency, partnership=target)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"{agency.name} now serves {target.name} too")
                return redirect("accounts:agency-detail", pk=agency.pk)
    return render(request, "accounts/administration/agency_share.html", {
        "form": form, "agency": agency, "has_targets": targets.exists()})


@require_GET
def people(request):
    partnership = request.partnership
    require(rules.can_view_people(request.user, partnership))
    people = selectors.people_visible_to(request.user, partnership)
    return render(request, "accounts/people.html", {
        "page": paginate(request, people),
        "can_manage": rules.can_manage_people(request.user, partnership)})


@require_GET
def administration(request):
    require(rules.can_administer(request.user, request.partnership))
    return render(request, "accounts/administration/index.html", {
        "can_edit_calendar": rules.can_edit_calendar(request.user, request.partnership)})


@require_http_methods(["GET", "POST"])
def person_add(request):
    partnership = request.partnership
    require(rules.can_manage_people(request.user, partnership))
    form = PersonAddForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            membership, added = services.person_add(
                actor=request.user, partnership=partnership, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            person = membership.user
            if added:
                messages.success(request, f"{person.full_name} is now "
                                          f"{membership.get_role_display().lower()}. "
                                          "They have been emailed")
            else:
                messages.success(request, f"{person.full_name} already has this role")
            return redirect("accounts:person", pk=person.pk)
    return render(request, "accounts/administration/person_add.html", {"form": form})


def _person_or_404(request, pk: int) -> User:
    require(rules.can_manage_people(request.user, request.partnership))
    person = selectors.person_to_administer(request.user, request.partnership, pk)
    if person is None:
        raise Http404
    return person


@require_GET
def person_detail(request, pk: int):
    person = _person_or_404(request, pk)
    partnership = request.partnership
    return render(request, "accounts/administration/person.html", {
        "person": person,
        "elsewhere": [m for m in person.memberships.all() if m.partnership_id != partnership.pk],
        "can_deactivate": rules.can_deactivate_person(request.user, person, partnership),
        "has_app": two_factor.has_app(person),
        "invited": not person.has_usable_password()})


@require_http_methods(["GET", "POST"])
def role_give(request, pk: int):
    person = _person_or_404(request, pk)
    form = RoleGiveForm(request.POST or None, partnership=request.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.role_give(actor=request.user, person=person,
                                            partnership=request.partnership,
                                            **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{person.full_name} is now "
                                      f"{membership.get_role_display().lower()}")
            return redirect("accounts:person", pk=person.pk)
    return render(request, "accounts/administration/role_give.html",
                  {"form": form, "person": person})


@require_http_methods(["GET", "POST"])
def role_remove(request, pk: int, membership_pk: int):
    require(rules.can_manage_people(request.user, request.partnership))
    membership = Membership.objects.filter(
        pk=membership_pk, user_id=pk, partnership=request.partnership).select_related(
        "user", "agency").first()
    if membership is None:
        if request.method == "POST":  # removed already (the same form posted twice)
            return redirect("accounts:people")
        raise Http404
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_remove(actor=request.user, membership=membership)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{membership.user.full_name} is no longer "
                                      f"{membership.get_role_display().lower()}")
            still_here = Membership.objects.filter(user_id=pk,
                                                   partnership=request.partnership).exists()
            return redirect("accounts:person", pk=pk) if still_here \
                else redirect("accounts:people")
    return render(request, "accounts/administration/role_remove.html",
                  {"form": form, "membership": membership, "person": membership.user})


@require_http_methods(["GET", "POST"])
def person_deactivate(request, pk: int):
    person = _person_or_404(request, pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_deactivate(actor=request.user, person=person,
                                       partnership=request.partnership)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{person.full_name}'s account is switched off")
            return redirect("accounts:person", pk=person.pk)
    return render(request, "accounts/administration/person_deactivate.html", {
        "form": form, "person": person,
        "can_deactivate": rules.can_deactivate_person(request.user, person,
                                                      request.partnership)})


@require_POST
def person_reactivate(request, pk: int):
    person = _person_or_404(request, pk)
    try:
        services.person_reactivate(actor=request.user, person=person,
                                   partnership=request.partnership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{person.full_name}'s account is switched on again")
    return redirect("accounts:person", pk=person.pk)


@require_http_methods(["GET", "POST"])
def second_factor_reset(request, pk: int):
    """For someone who lost their phone: they set up a new app at their next sign-in."""
    person = _person_or_404(request, pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.second_factor_reset(actor=request.user, person=person,
                                           partnership=request.partnership)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{person.full_name} will set up a new authenticator "
                                      "app when they next sign in")
            return redirect("accounts:person", pk=person.pk)
    return render(request, "accounts/administration/second_factor_reset.html", {
        "form": form, "person": person,
        "can_reset": rules.can_reset_second_factor(request.user, person, request.partnership)})


@require_POST
def invitation_resend(request, pk: int):
    person = _person_or_404(request, pk)
    try:
        sent = services.invitation_send_again(actor=request.user, person=person,
                                              partnership=request.partnership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Invitation sent again" if sent else
                         "An invitation was already sent today")
    return redirect("accounts:person", pk=person.pk)


@require_http_methods(["GET", "POST"])
def partnership_settings(request):
    partnership = request.partnership
    require(rules.can_change_partnership_settings(request.user, partnership))
    form = PartnershipSettingsForm(request.POST or None, initial={
        **{f: getattr(partnership, f) for f in services.SETTINGS_FIELDS},
        "triage_needs_executive_approval":
            "yes" if partnership.triage_needs_executive_approval else "no",
        "reminder_digest": "yes" if partnership.reminder_digest else "no"})
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_settings_save(actor=request.user, partnership=partnership,
                                               **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Settings saved")
            return redirect("accounts:partnership-settings")
    return render(request, "accounts/administration/settings.html", {"form": form})


@method_decorator(login_not_required, name="dispatch")
class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The invitation's link: the new person sets their password (the link lasts a week)."""

    template_name = "accounts/administration/invitation_accept.html"
    form_class = SetPasswordForm
    token_generator = services.invitation_tokens
    success_url = reverse_lazy("accounts:password-reset-complete")


@require_GET
def partnership_detail(request, code: str):
    partnership = get_object_or_404(selectors.partnerships_visible_to(request.user), code=code)
    return render(request, "accounts/partnership_detail.html", {"shown": partnership})
