"""The agency user's journey: refer an incident, follow it, answer questions.

Thin views: a rule decides who may open a page (out of scope is a 404), the form checks
what was typed, a service makes the change and the view redirects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Model, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.audit import audit_view
from accounts.forms import apply_service_errors
from accounts.models import Agency
from config.pagination import paginate

from .. import selectors, services
from ..forms.referral import (
    AuthorisationForm,
    ChildForm,
    ConfirmForm,
    IncidentForm,
    InvolvementForm,
    PersonForm,
    ProtectionPlanForm,
    QueryAnswerForm,
    ReasonForm,
    StartReferralForm,
)
from ..models import (
    Child,
    Incident,
    Involvement,
    LegalStatus,
    Person,
    Referral,
    Stage,
    TriageDecision,
)

CAPTION = "Refer an incident"


def _data(request):
    return request.POST if request.method == "POST" else None


def _follows(user, referral: Referral) -> bool:
    """The status pages of a submitted referral: users of the referring agency only
    (``can_view_referral`` alone would also let the business unit in)."""
    return rules.can_follow_referral(user, referral)


def _submitted_referral_or_404(request, reference: str) -> Referral:
    referral = selectors.referral_for(request.user, reference)
    rules.require(referral is not None and _follows(request.user, referral))
    return referral


def _draft_page(view=None, *, submitted_post_to: str = "cases:my-referral"):
    """Resolve ``key`` to a draft only its author may edit. Once submitted, the draft's
    pages redirect to its status page (a POST to ``submitted_post_to``)."""
    def decorate(view):
        @wraps(view)
        def wrapper(request, key, **kwargs):
            referral = selectors.referral_for(request.user, str(key))
            if referral is None:
                raise Http404
            if not rules.can_edit_referral(request.user, referral):
                rules.require(_follows(request.user, referral))
                to = submitted_post_to if request.method == "POST" else "cases:my-referral"
                return redirect(to, reference=referral.case.reference)
            return view(request, referral, **kwargs)
        return wrapper
    return decorate(view) if view else decorate


def _incident_of(referral: Referral) -> Incident | None:
    return Incident.objects.filter(case=referral.case).first()


# --- Start ------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def referral_start(request):
    """Start page for 'Refer an incident': 'Start now' opens a draft."""
    partnership = request.partnership
    rules.require(rules.can_refer_incident(request.user, partnership))
    agencies = Agency.objects.filter(pk__in=rules.agency_ids_of(request.user, partnership))
    form = StartReferralForm(_data(request), agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_start(actor=request.user, agency=form.chosen_agency(),
                                               partnership=partnership)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect("cases:referral-tasklist", key=referral.draft_key)
    drafts = selectors.referrals_for_agency_user(request.user, partnership).filter(
        submitted_at__isnull=True, referrer=request.user).count()
    return render(request, "cases/referral_start.html", {"form": form, "drafts": drafts})


# --- Task list --------------------------------------------------------------------------

COMPLETED, INCOMPLETE, NOT_STARTED = "Completed", "Incomplete", "Not yet started"


@dataclass(frozen=True)
class Task:
    key: str
    name: str
    url: str
    status: str
    hint: str = ""


def _status(started, complete) -> str:
    return COMPLETED if complete else (INCOMPLETE if started else NOT_STARTED)


def _incident_answers_missing(referral: Referral, missing: dict) -> bool:
    """``referral_missing_answers`` files 'death or serious harm, abuse or neglect' under
    'reason', but they are answered on the incident page."""
    return "reason" in missing and bool(referral.request_type) and bool(referral.reason.strip())


def _tasks(referral: Referral) -> list[Task]:
    case = referral.case
    key = referral.draft_key
    missing = services.referral_missing_answers(referral)
    counts = {name: getattr(case, name).count() for name in ("children", "people",
                                                             "involvements")}
    incident = _incident_of(referral)
    incident_gap = _incident_answers_missing(referral, missing)

    def list_url(section: ItemSection) -> str:
        name = section.url if counts[section.related] else f"{section.item_url}-add"
        return reverse(name, kwargs={"key": key})

    return [
        Task("children", "Children", list_url(SECTIONS["children"]),
             _status(counts["children"],
                     counts["children"] and not _plan_missing(referral).exists()),
             "At least one child"),
        Task("family", "Family and network", list_url(SECTIONS["people"]),
             _status(counts["people"], counts["people"]),
             "Parents, carers, brothers and sisters, the suspected perpetrator if known"),
        Task("professionals", "Professional network", list_url(SECTIONS["involvements"]),
             _status(counts["involvements"], counts["involvements"]),
             "Agencies that worked with the child or family"),
        Task("incident", "The incident", reverse("cases:referral-incident", kwargs={"key": key}),
             _status(incident, incident and not incident_gap)),
        Task("reason", "Reason for referral",
             reverse("cases:referral-reason", kwargs={"key": key}),
             _status(referral.request_type or referral.reason,
                     "reason" not in missing or incident_gap)),
        Task("authorisation", "Authorisation",
             reverse("cases:referral-authorisation", kwargs={"key": key}),
             _status(referral.lead_officer_name or referral.lead_officer_role,
                     "authorisation" not in missing)),
    ]


@require_GET
@_draft_page
def referral_tasklist(request, referral):
    tasks = _tasks(referral)
    return render(request, "cases/referral/tasklist.html", {
        "referral": referral, "tasks": tasks,
        "completed": sum(t.status == COMPLETED for t in tasks)})


# --- Sections with a list of items: children, family and network, professional network ---

@dataclass(frozen=True)
class ItemSection:
    related: str              # related name on Case: children, people, involvements
    model: type[Model]
    form: type
    save: Callable
    remove: Callable
    kwarg: str                # the service's keyword for an existing item
    title: str                # page heading of the list
    singular: str             # 'child', 'person', 'agency'
    url: str                  # list page url name
    item_url: str             # prefix of the add, edit and remove url names
    intro: str = ""

    def items(self, referral: Referral) -> QuerySet:
        return self.model.objects.filter(case=referral.case)

    def form_kwargs(self, referral: Referral) -> dict:
        if self.form is InvolvementForm:
            return {"agencies": referral.case.partnership.agencies.all()}
        return {}

    def item_name(self, item) -> str:
        return item.agency.name if isinstance(item, Involvement) else item.full_name


SECTIONS = {
    "children": ItemSection(
        "children", Child, ChildForm, services.child_save, services.child_remove, "child",
        "Children", "child", "cases:referral-children", "cases:referral-child",
        "The child who died or was harmed, and any other child the referral is about."),
    "people": ItemSection(
        "people", Person, PersonForm, services.person_save, services.person_remove, "person",
        "Family and network", "person", "cases:referral-people", "cases:referral-person",
        "The child's family and network, including the suspected perpetrator if known."),
    "involvements": ItemSection(
        "involvements", Involvement, InvolvementForm, services.involvement_save,
        services.involvement_remove, "involvement", "Professional network", "agency",
        "cases:referral-involvements", "cases:referral-involvement",
        "Agencies that worked with the child, the family or the suspected perpetrator, "
        "usually in the last 12 months. This shows the evidence of multi-agency working."),
}


@require_GET
@_draft_page
def item_list(request, referral, section: str):
    sec = SECTIONS[section]
    items = sec.items(referral)
    if sec.model is Involvement:
        items = items.select_related("agency")
    return render(request, "cases/referral/items.html", {
        "referral": referral, "section": sec, "items": list(items), "key": referral.draft_key})


@require_http_methods(["GET", "POST"])
@_draft_page
def item_edit(request, referral, section: str, pk: int | None = None):
    sec = SECTIONS[section]
    item = get_object_or_404(sec.items(referral), pk=pk) if pk else None
    form = sec.form(_data(request), initial=sec.form.initial_from(item) if item else None,
                    **sec.form_kwargs(referral))
    if request.method == "POST" and form.is_valid():
        try:
            saved = sec.save(actor=request.user, referral=referral, **{sec.kwarg: item},
                             **form.model_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if isinstance(saved, Child) and saved.legal_status == \
                    LegalStatus.CHILD_PROTECTION_PLAN:
                return redirect("cases:referral-child-protection-plan",
                                key=referral.draft_key, pk=saved.pk)
            return redirect(sec.url, key=referral.draft_key)
    has_items = sec.items(referral).exists()
    back = reverse(sec.url if has_items else "cases:referral-tasklist",
                   kwargs={"key": referral.draft_key})
    title = (f"Change the details of {sec.item_name(item)}" if item
             else f"Add {'another' if has_items else 'a'} {sec.singular}")
    if sec.model is Involvement and not item:
        title = f"Add {'another' if has_items else 'an'} agency"
    return render(request, "cases/referral/form.html", {
        "form": form, "referral": referral, "title": title, "back_url": back,
        "intro": "" if has_items else sec.intro})


@require_http_methods(["GET", "POST"])
@_draft_page
def item_remove(request, referral, section: str, pk: int):
    sec = SECTIONS[section]
    item = get_object_or_404(sec.items(referral), pk=pk)
    form = ConfirmForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            sec.remove(actor=request.user, referral=referral, **{sec.kwarg: item})
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{sec.item_name(item)} removed from the referral")
            return redirect(sec.url, key=referral.draft_key)
    return render(request, "cases/referral/remove.html", {
        "form": form, "referral": referral, "section": sec, "name": sec.item_name(item)})


def _plan_missing(referral: Referral) -> QuerySet[Child]:
    """Children on a child protection plan whose start date or category is not answered."""
    return Child.objects.filter(
        case=referral.case, legal_status=LegalStatus.CHILD_PROTECTION_PLAN).filter(
        Q(protection_plan_start__isnull=True) | Q(protection_plan_category=""))


@require_http_methods(["GET", "POST"])
@_draft_page
def child_protection_plan(request, referral, pk: int):
    """The follow-up question when a child is on a child protection plan."""
    child = get_object_or_404(Child.objects.filter(
        case=referral.case, legal_status=LegalStatus.CHILD_PROTECTION_PLAN), pk=pk)
    form = ProtectionPlanForm(_data(request), initial=ProtectionPlanForm.initial_from(child))
    if request.method == "POST" and form.is_valid():
        try:
            services.child_save(actor=request.user, referral=referral, child=child,
                                **form.model_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect("cases:referral-children", key=referral.draft_key)
    return render(request, "cases/referral/form.html", {
        "form": form, "referral": referral,
        "title": f"{child.full_name}'s child protection plan",
        "back_url": reverse("cases:referral-child-edit",
                            kwargs={"key": referral.draft_key, "pk": child.pk})})


# --- Sections with one set of answers: incident, reason, authorisation -----------------

def _section_page(request, referral, form, save: Callable, title: str, intro: str = ""):
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect("cases:referral-tasklist", key=referral.draft_key)
    return render(request, "cases/referral/form.html", {
        "form": form, "referral": referral, "title": title, "intro": intro,
        "back_url": reverse("cases:referral-tasklist", kwargs={"key": referral.draft_key})})


@require_http_methods(["GET", "POST"])
@_draft_page
def referral_incident(request, referral):
    incident = _incident_of(referral)
    form = IncidentForm(_data(request), partnership=referral.case.partnership,
                        initial=IncidentForm.initial_from(incident) if incident else None)
    return _section_page(
        request, referral, form,
        lambda f: services.incident_save(actor=request.user, referral=referral,
                                         **f.model_fields()),
        "The incident", "Describe the incident or near miss that triggered the referral.")


@require_http_methods(["GET", "POST"])
@_draft_page
def referral_reason(request, referral):
    form = ReasonForm(_data(request), initial={"request_type": referral.request_type or None,
                                               "reason": referral.reason})
    return _section_page(
        request, referral, form,
        lambda f: services.referral_update(actor=request.user, referral=referral,
                                           **f.cleaned_data),
        "Reason for referral")


@require_http_methods(["GET", "POST"])
@_draft_page
def referral_authorisation(request, referral):
    form = AuthorisationForm(_data(request), initial={
        "lead_officer_name": referral.lead_officer_name,
        "lead_officer_role": referral.lead_officer_role,
        "referrer_phone": referral.referrer_phone})
    return _section_page(
        request, referral, form,
        lambda f: services.referral_update(actor=request.user, referral=referral,
                                           **f.cleaned_data),
        "Authorisation", "Your agency's safeguarding lead officer (or their nominated deputy) "
                         "must authorise the referral.")


# --- Check answers and submit -----------------------------------------------------------

MISSING_SECTION = {"children": "cases:referral-child-add", "incident": "cases:referral-incident",
                   "reason": "cases:referral-reason",
                   "authorisation": "cases:referral-authorisation"}


def _problems(referral: Referral, error: ValidationError) -> list[tuple[str, str]]:
    """One error summary link per missing section, to the page that answers it."""
    key = referral.draft_key
    missing = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    problems = []
    for section, section_messages in missing.items():
        name = MISSING_SECTION.get(section, "cases:referral-tasklist")
        if section == "reason" and _incident_answers_missing(referral, missing):
            name = "cases:referral-incident"
        problems += [(message, reverse(name, kwargs={"key": key}))
                     for message in section_messages]
    return problems


def _answers(referral: Referral) -> dict:
    case = referral.case
    return {"referral": referral, "children": list(case.children.all()),
            "people": list(case.people.all()),
            "involvements": list(case.involvements.select_related("agency")),
            "incident": _incident_of(referral)}


@require_http_methods(["GET", "POST"])
@_draft_page(submitted_post_to="cases:referral-confirmation")
def referral_check(request, referral):
    form = ConfirmForm(_data(request))
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            case = services.referral_submit(actor=request.user, referral=referral)
        except ValidationError as error:
            problems = _problems(referral, error)
        else:
            # A second submit (double click) gets the same case back: same redirect.
            return redirect("cases:referral-confirmation", reference=case.reference)
    return render(request, "cases/referral/check.html", {
        **_answers(referral), "form": form, "problems": problems, "editable": True,
        "key": referral.draft_key})


@require_GET
def referral_confirmation(request, reference: str):
    referral = _submitted_referral_or_404(request, reference)
    return render(request, "cases/referral/confirmation.html", {"referral": referral})


# --- Following a referral ---------------------------------------------------------------

@dataclass(frozen=True)
class AgencyStatus:
    label: str
    colour: str
    decision: TriageDecision | None = None


def _agency_status(referral: Referral) -> AgencyStatus:
    """Where the referral is, in words an agency user understands."""
    stage = referral.case.stage
    if stage == Stage.DRAFT:
        return AgencyStatus("Draft", "grey")
    if stage == Stage.REFERRED:
        return AgencyStatus("Submitted", "blue")
    if stage == Stage.MORE_INFORMATION:
        return AgencyStatus("More information requested", "orange")
    if stage == Stage.TRIAGE:
        return AgencyStatus("Being considered", "light-blue")
    final = [d for d in referral.case.triage_decisions.all()
             if d.is_final and d.decision != TriageDecision.Decision.MORE_INFORMATION]
    if not final:
        return AgencyStatus("Decision made", "green")
    decision = final[-1]
    return AgencyStatus(f"Decision made: {decision.get_decision_display()}", "green", decision)


@require_GET
def my_referrals(request):
    partnership = request.partnership
    rules.require(rules.can_refer_incident(request.user, partnership))
    referrals = selectors.referrals_for_agency_user(request.user, partnership).annotate(
        child_count=Count("case__children"))
    page = paginate(request, referrals)
    return render(request, "cases/referral/my_referrals.html", {
        "page": page, "rows": [(r, _agency_status(r)) for r in page]})


@require_GET
def my_referral(request, reference: str):
    referral = _submitted_referral_or_404(request, reference)
    audit_view(actor=request.user, obj=referral.case)
    queries = list(referral.queries.all())
    open_ids = set(selectors.open_queries(referral).values_list("pk", flat=True))
    questions = [(q, QueryAnswerForm(query=q, action=reverse(
        "cases:referral-query-answer", kwargs={"reference": reference, "pk": q.pk}))
        if q.pk in open_ids else None) for q in queries]
    from rapid_review.selectors.submission import review_outcome  # rapid review builds on cases

    return render(request, "cases/referral/my_referral.html", {
        **_answers(referral), "status": _agency_status(referral), "questions": questions,
        "open_count": len(open_ids), "review_outcome": review_outcome(referral.case)})


@require_http_methods(["GET", "POST"])
def referral_query_answer(request, reference: str, pk: int):
    referral = _submitted_referral_or_404(request, reference)
    rules.require(rules.can_answer_referral_query(request.user, referral))
    query = get_object_or_404(referral.queries, pk=pk)
    if request.method == "GET" and query.answered_at:
        return redirect("cases:my-referral", reference=reference)
    form = QueryAnswerForm(_data(request), query=query, action=request.path)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_query_answer(actor=request.user, query=query,
                                           answer=form.cleaned_data["answer"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Your answer has been sent to the business unit")
            return redirect("cases:my-referral", reference=reference)
    audit_view(actor=request.user, obj=referral.case)
    return render(request, "cases/referral/answer.html", {
        "form": form, "referral": referral, "query": query})


def _item_urls(section: str, folder: str) -> list:
    sec = SECTIONS[section]
    item = sec.item_url.removeprefix("cases:")
    extra = {"section": section}
    return [
        path(f"refer/<uuid:key>/{folder}/", item_list, extra, name=sec.url.removeprefix("cases:")),
        path(f"refer/<uuid:key>/{folder}/add/", item_edit, extra, name=f"{item}-add"),
        path(f"refer/<uuid:key>/{folder}/<int:pk>/", item_edit, extra, name=f"{item}-edit"),
        path(f"refer/<uuid:key>/{folder}/<int:pk>/remove/", item_remove, extra,
             name=f"{item}-remove"),
    ]


urlpatterns = [
    path("refer/", referral_start, name="referral-start"),
    path("refer/<uuid:key>/", referral_tasklist, name="referral-tasklist"),
    *_item_urls("children", "children"),
    path("refer/<uuid:key>/children/<int:pk>/protection-plan/", child_protection_plan,
         name="referral-child-protection-plan"),
    *_item_urls("people", "family"),
    *_item_urls("involvements", "professionals"),
    path("refer/<uuid:key>/incident/", referral_incident, name="referral-incident"),
    path("refer/<uuid:key>/reason/", referral_reason, name="referral-reason"),
    path("refer/<uuid:key>/authorisation/", referral_authorisation,
         name="referral-authorisation"),
    path("refer/<uuid:key>/check/", referral_check, name="referral-check"),
    path("referrals/", my_referrals, name="my-referrals"),
    path("referrals/<str:reference>/", my_referral, name="my-referral"),
    path("referrals/<str:reference>/confirmation/", referral_confirmation,
         name="referral-confirmation"),
    path("referrals/<str:reference>/questions/<int:pk>/", referral_query_answer,
         name="referral-query-answer"),
]
