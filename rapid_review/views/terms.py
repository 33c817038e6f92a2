"""The rapid review's terms of reference, its agreement by the partners, and the review
group's list of reviews in progress with their papers."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import rules
from accounts.audit import audit_view
from accounts.forms import apply_service_errors, edit_conflict
from accounts.models import StatutoryPartner
from accounts.rules import require
from cases.services import EditConflict

from ..forms.terms import MEETING_DATE_FIELDS, TermsForm, TermsMemberForm
from ..models import RapidReview, TermsMember, TermsOfReference
from ..selectors.papers import review_papers
from ..selectors.terms import requested_returns_due, terms_summary
from ..services import (
    terms_agree,
    terms_defaults,
    terms_member_add,
    terms_member_remove,
    terms_save,
)
from .access import review_to_edit, review_to_read


def _terms_page(request, review: RapidReview, *, agree_error: str = "", status: int = 200):
    summary = terms_summary(review)
    partner = rules.partner_represented_by(request.user, review.case.partnership)
    can_agree = summary.terms is not None and rules.can_agree_terms(
        request.user, summary.terms) if summary.terms else False
    audit_view(actor=request.user, obj=review.case)
    return render(request, "rapid_review/terms/detail.html", {
        "review": review, "case": review.case, "summary": summary,
        "can_edit": rules.can_edit_rapid_review(request.user, review),
        "partner": partner, "partner_label": StatutoryPartner(partner).label if partner else "",
        "can_agree": can_agree and partner not in summary.agreed_partners,
        "agree_error": agree_error,
    }, status=status)


@require_GET
def terms(request, reference: str):
    review = review_to_read(request, reference)
    return _terms_page(request, review)


@require_http_methods(["GET", "POST"])
def terms_edit(request, reference: str):
    review = review_to_edit(request, reference)
    case = review.case
    existing = TermsOfReference.objects.filter(review=review).first()
    if existing:
        dates = [datetime.date.fromisoformat(d) for d in existing.meeting_dates]
        initial = {"children": list(existing.children.all()),
                   "people": list(existing.people.all()),
                   "scope_from": existing.scope_from, "scope_to": existing.scope_to,
                   "earlier_history": existing.earlier_history,
                   "other_contributors": existing.other_contributors,
                   "returns_due_on": existing.returns_due_on, "version": existing.version,
                   **dict(zip(MEETING_DATE_FIELDS, dates, strict=False))}
    else:
        initial = {**terms_defaults(review), "version": 0}
    form = TermsForm(request.POST or None, initial=initial, case=case,
                     requested_returns_due=requested_returns_due(review))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = terms_save(actor=request.user, review=review, **form.service_values())
        except EditConflict as error:
            conflict = edit_conflict(form, error, field="version")
        except ValidationError as error:
            apply_service_errors(form, error, aliases={"meeting_dates": "meeting_date_1"})
        else:
            messages.success(request, f"Terms of reference saved as version {saved.version}. "
                                      f"The three partners need to agree this version")
            return redirect("rapid_review:terms", reference=reference)
    return render(request, "rapid_review/terms/edit.html",
                  {"form": form, "case": case, "existing": existing, "conflict": conflict})


@require_http_methods(["GET", "POST"])
def terms_member_add_view(request, reference: str):
    review = review_to_edit(request, reference)
    existing = TermsOfReference.objects.filter(review=review).first()
    if existing is None:
        return redirect("rapid_review:terms-edit", reference=reference)
    form = TermsMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            terms_member_add(actor=request.user, terms=existing, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Member added. The three partners need to agree the new "
                                      "version")
            return redirect("rapid_review:terms", reference=reference)
    return render(request, "rapid_review/terms/member_add.html",
                  {"form": form, "case": review.case})


@require_http_methods(["GET", "POST"])
def terms_member_remove_view(request, reference: str, pk: int):
    review = review_to_edit(request, reference)
    member = get_object_or_404(TermsMember, pk=pk, terms__review=review)
    if request.method == "POST":
        terms_member_remove(actor=request.user, member=member)
        messages.success(request, "Member removed. The three partners need to agree the new "
                                  "version")
        return redirect("rapid_review:terms", reference=reference)
    return render(request, "rapid_review/terms/member_remove.html",
                  {"member": member, "case": review.case})


@require_POST
def terms_agree_view(request, reference: str):
    review = review_to_read(request, reference)
    terms_of_reference = get_object_or_404(TermsOfReference.objects.select_related(
        "review__case__partnership"), review=review)
    require(rules.can_agree_terms(request.user, terms_of_reference))
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        agreement = terms_agree(actor=request.user, terms=terms_of_reference, version=version)
    except ValidationError as error:
        return _terms_page(request, review, agree_error=" ".join(error.messages), status=400)
    messages.success(request, f"You agreed version {agreement.version} of the terms of "
                              f"reference for the {agreement.get_partner_display().lower()}")
    return redirect("rapid_review:terms", reference=reference)


@require_GET
def papers(request):
    require(rules.can_list_review_papers(request.user, request.partnership))
    return render(request, "rapid_review/terms/papers.html",
                  {"page": review_papers(request.user, request.partnership)})


urlpatterns = [
    path("rapid-reviews/", papers, name="papers"),
    path("cases/<str:reference>/rapid-review/terms-of-reference/", terms, name="terms"),
    path("cases/<str:reference>/rapid-review/terms-of-reference/edit/", terms_edit,
         name="terms-edit"),
    path("cases/<str:reference>/rapid-review/terms-of-reference/agree/", terms_agree_view,
         name="terms-agree"),
    path("cases/<str:reference>/rapid-review/terms-of-reference/members/add/",
         terms_member_add_view, name="terms-member-add"),
    path("cases/<str:reference>/rapid-review/terms-of-reference/members/<int:pk>/remove/",
         terms_member_remove_view, name="terms-member-remove"),
]
