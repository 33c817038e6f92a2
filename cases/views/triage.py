"""The business unit's journey: referral inbox, questions to the referrer, triage decisions.

Thin: a rule decides (anything out of scope is 404), a form checks the input, a service
changes things, and its refusal is shown on the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.audit import audit_view
from accounts.forms import apply_service_errors
from config.pagination import paginate

from .. import selectors, services
from ..forms.triage import (
    CRITERIA_GROUPS,
    ChallengeForm,
    ChallengeResolveForm,
    ExecutiveResponseForm,
    ReferralQueryForm,
    TakeToTriageForm,
    TriageDecisionForm,
)
from ..models import Case, Challenge, Referral, Stage, TriageDecision

TAKE_TO_TRIAGE_FROM = (Stage.REFERRED, Stage.MORE_INFORMATION)
# Where a service names a field the form calls differently.
FIELD_ALIASES = {"criteria_met": CRITERIA_GROUPS[0][0]}


def apply_errors(form, error: ValidationError) -> None:
    apply_service_errors(form, error, FIELD_ALIASES)


def _case_for_business_unit(request, reference: str) -> Case:
    """A referred case the business unit of its partnership works on, else 404."""
    case = get_object_or_404(selectors.cases_visible_to(request.user), reference=reference)
    if not rules.can_triage(request.user, case):
        raise Http404
    return case


def _require_business_unit(request) -> None:
    rules.require(rules.has_any_role(request.user, request.partnership, rules.BUSINESS_UNIT))


def _referral_of(case: Case) -> Referral:
    try:
        return case.referral
    except Referral.DoesNotExist:
        raise Http404 from None


@require_GET
def referral_inbox(request):
    _require_business_unit(request)
    cases = selectors.referral_inbox(request.user, request.partnership)
    return render(request, "cases/triage/inbox.html", {"page": paginate(request, cases)})


def _review_context(case: Case) -> dict:
    return {"case": case, "referral": getattr(case, "referral", None),
            "incident": getattr(case, "incident", None),
            "can_take_to_triage": case.stage in TAKE_TO_TRIAGE_FROM,
            "can_decide": case.stage == Stage.TRIAGE}


@require_GET
def referral_review(request, reference: str):
    case = selectors.case_detail(request.user, reference)
    if case is None or not rules.can_triage(request.user, case):
        raise Http404
    audit_view(actor=request.user, obj=case)  # it shows the child's record
    return render(request, "cases/triage/referral_review.html", _review_context(case))


@require_http_methods(["GET", "POST"])
def referral_query_ask(request, reference: str):
    case = _case_for_business_unit(request, reference)
    referral = _referral_of(case)
    form = ReferralQueryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_query_ask(actor=request.user, referral=referral,
                                        question=form.cleaned_data["question"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Question sent to the referrer. The case waits in "
                                      "'More information requested' until they answer")
            return redirect("cases:referral-review", reference=case.reference)
    return render(request, "cases/triage/question.html", {"form": form, "case": case})


def triage_take(request, reference: str):
    """POST only: take a referral to triage; a refusal is shown on the referral page."""
    case = _case_for_business_unit(request, reference)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = TakeToTriageForm(request.POST)
    if form.is_valid():
        try:
            services.case_take_to_triage(actor=request.user, case=case)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{case.reference} is in triage. Record the decision "
                                      "after the triage meeting")
            return redirect("cases:referral-review", reference=case.reference)
    case = selectors.case_detail(request.user, reference)
    context = _review_context(case) | {"form": form}
    return render(request, "cases/triage/referral_review.html", context)


@require_http_methods(["GET", "POST"])
def triage_decide(request, reference: str):
    case = _case_for_business_unit(request, reference)
    partnership = case.partnership
    form = TriageDecisionForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.triage_decide(actor=request.user, case=case,
                                            **form.service_arguments())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if record.needs_executive_approval:
                messages.success(request, "Recommendation saved. Take the paper for the "
                                          "executive to its meeting, then record its "
                                          "response")
            else:
                case.refresh_from_db(fields=["stage"])
                messages.success(request, f"Decision saved: {record.get_decision_display()}. "
                                          f"The case is now at '{case.get_stage_display()}'")
            return redirect("cases:case-detail", reference=case.reference)
    awaiting = case.triage_decisions.filter(needs_executive_approval=True,
                                            executive_response="").first()
    return render(request, "cases/triage/decide.html", {
        "form": form, "case": case, "awaiting": awaiting,
        "is_recommendation": partnership.triage_needs_executive_approval,
        "in_triage": case.stage == Stage.TRIAGE,
    })


def _decision_or_404(case: Case, pk: int) -> TriageDecision:
    return get_object_or_404(case.triage_decisions.prefetch_related("attending_agencies"),
                             pk=pk)


@require_http_methods(["GET", "POST"])
def triage_executive(request, reference: str, pk: int):
    case = _case_for_business_unit(request, reference)
    decision = _decision_or_404(case, pk)
    form = ExecutiveResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.triage_executive_respond(actor=request.user, decision=decision,
                                              **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if form.cleaned_data["response"] == TriageDecision.ExecutiveResponse.AGREE:
                case.refresh_from_db(fields=["stage"])
                messages.success(request, "The executive agreed. The case is now at "
                                          f"'{case.get_stage_display()}'")
            else:
                messages.success(request, "The executive did not agree. The case stays in "
                                          "triage: record the review group's new decision")
            return redirect("cases:case-detail", reference=case.reference)
    return render(request, "cases/triage/executive.html", {
        "form": form, "case": case, "decision": decision,
        "recommendation": selectors.triage_recommendations(case, [decision]).get(decision.pk)})


@require_http_methods(["GET", "POST"])
def challenge_record(request, reference: str, pk: int):
    case = _case_for_business_unit(request, reference)
    decision = _decision_or_404(case, pk)
    referral = getattr(case, "referral", None)
    form = ChallengeForm(request.POST or None, partnership=case.partnership,
                         initial={"agency": referral.referring_agency_id if referral else None})
    if request.method == "POST" and form.is_valid():
        try:
            services.challenge_record(actor=request.user, decision=decision,
                                      **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Challenge recorded. Record its outcome when the "
                                      "partnership has considered it")
            return redirect("cases:case-detail", reference=case.reference)
    return render(request, "cases/triage/challenge.html",
                  {"form": form, "case": case, "decision": decision})


@require_http_methods(["GET", "POST"])
def challenge_resolve(request, pk: int):
    challenge = get_object_or_404(
        Challenge.objects.select_related("decision__case__partnership", "agency").filter(
            decision__case__in=selectors.cases_visible_to(request.user)), pk=pk)
    case = challenge.decision.case
    if not rules.can_triage(request.user, case):
        raise Http404
    form = ChallengeResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.challenge_resolve(actor=request.user, challenge=challenge,
                                       **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            case.refresh_from_db(fields=["stage"])
            message = "Challenge outcome saved"
            if case.stage == Stage.TRIAGE and form.cleaned_data["outcome"] == \
                    Challenge.Outcome.UPHELD:
                message += ". The case is back in triage: record the new decision"
            messages.success(request, message)
            return redirect("cases:case-detail", reference=case.reference)
    return render(request, "cases/triage/challenge_resolve.html",
                  {"form": form, "case": case, "challenge": challenge})


urlpatterns = [
    path("inbox/", referral_inbox, name="referral-inbox"),
    path("challenges/<int:pk>/", challenge_resolve, name="challenge-resolve"),
    path("<str:reference>/referral/", referral_review, name="referral-review"),
    path("<str:reference>/question/", referral_query_ask, name="referral-query-ask"),
    path("<str:reference>/triage/", triage_take, name="triage-take"),
    path("<str:reference>/decision/", triage_decide, name="triage-decide"),
    path("<str:reference>/decision/<int:pk>/executive/", triage_executive,
         name="triage-executive"),
    path("<str:reference>/decision/<int:pk>/challenge/", challenge_record,
         name="challenge-record"),
]
