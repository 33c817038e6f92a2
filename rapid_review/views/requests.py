"""The business unit's side of information requests: sending them, confirming receipt,
reading and reopening returns, and the chase list."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.audit import audit_view
from accounts.forms import apply_service_errors
from accounts.rules import require

from ..forms.requests import ReceiptForm, ReopenForm, SendRequestsForm
from ..models import InformationRequest, RapidReview
from ..selectors.requests import (
    agency_contacts,
    chase_page,
    request_pack,
    requests_sent_with,
    return_state,
    review_requests,
    sending_due,
)
from ..selectors.terms import review_for_lcspr_reader
from ..services import (
    agency_return_reopen,
    information_request_confirm_receipt,
    information_requests_send,
)
from ..services.requests import requestable_agencies
from ..services.returns import involved_with_labels


def _review_or_404(request, reference: str) -> RapidReview:
    """Case readers, and the reviewer of the case's LCSPR (reading only)."""
    review = review_for_lcspr_reader(request.user, reference, readers=rules.can_view_case)
    require(review is not None)
    return review


def _request_or_404(review: RapidReview, pk: int) -> InformationRequest:
    return get_object_or_404(
        InformationRequest.objects.select_related("agency", "agency_return",
                                                  "receipt_confirmed_by")
        .annotate(entries=Count("agency_return__chronology_entries")),
        review=review, pk=pk)


@require_GET
def requests_page(request, reference: str):
    review = _review_or_404(request, reference)
    return render(request, "rapid_review/requests/list.html", {
        "review": review, "case": review.case, "rows": review_requests(review),
        "for_reviewer": not rules.can_view_case(request.user, review.case),
        "sending": sending_due(review),
        "can_send": rules.can_send_information_requests(request.user, review),
    })


@require_http_methods(["GET", "POST"])
def requests_send(request, reference: str):
    review = _review_or_404(request, reference)
    require(rules.can_send_information_requests(request.user, review))
    if request.method == "POST":
        earlier = requests_sent_with(review, request.POST.get("form_token"))
        if earlier:  # the same form posted again: the first post sent them
            messages.success(request, f"{len(earlier)} information request"
                                      f"{'s' if len(earlier) != 1 else ''} sent")
            return redirect("rapid_review:requests", reference=reference)
    asked = review.information_requests.filter(
        requested_for=InformationRequest.For.RAPID_REVIEW).values_list("agency_id", flat=True)
    candidates = list(requestable_agencies(review).exclude(pk__in=asked).order_by("name"))
    involved = set(review.case.involvements.values_list("agency_id", flat=True))
    form = SendRequestsForm(request.POST if request.method == "POST" else None,
                            candidates=candidates, involved_ids=involved)
    if request.method == "POST" and form.is_valid():
        try:
            sent = information_requests_send(
                actor=request.user, review=review,
                agencies_with_reasons=form.cleaned_data["agencies_with_reasons"],
                form_token=form.cleaned_data["form_token"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{len(sent)} information request"
                                      f"{'s' if len(sent) != 1 else ''} sent")
            unreached = [r.agency.name for r in sent if not r.contact_email]
            if unreached:
                messages.warning(request, f"Nobody was emailed at {', '.join(unreached)}: "
                                          "no named contact, mailbox or user. Send the "
                                          "request another way and record receipt")
            return redirect("rapid_review:requests", reference=reference)
    agency_contacts(candidates, review.case.partnership_id)
    return render(request, "rapid_review/requests/send.html", {
        "review": review, "case": review.case, "form": form,
        "sending": sending_due(review),
        "nobody_to_email": [a for a in candidates if a.nobody_to_email],
    })


@require_http_methods(["GET", "POST"])
def request_receipt(request, reference: str, pk: int):
    review = _review_or_404(request, reference)
    require(rules.can_send_information_requests(request.user, review))
    info_request = _request_or_404(review, pk)
    form = ReceiptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            information_request_confirm_receipt(actor=request.user, request=info_request,
                                                **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Receipt confirmed for {info_request.agency.name}")
            if info_request.is_further:
                return redirect("lcspr:information", reference=reference)
            return redirect("rapid_review:requests", reference=reference)
    return render(request, "rapid_review/requests/receipt.html", {
        "case": review.case, "form": form, "info_request": info_request})


@require_GET
def return_view(request, reference: str, pk: int):
    review = _review_or_404(request, reference)
    info_request = _request_or_404(review, pk)
    agency_return = info_request.agency_return
    audit_view(actor=request.user, obj=agency_return, case=review.case)
    return render(request, "rapid_review/requests/return.html", {
        "case": review.case, "info_request": info_request, "agency_return": agency_return,
        "state": return_state(info_request), "attachments": agency_return.attachments.defer(
            "data"), "involved_with": involved_with_labels(agency_return.involved_with),
        "pack": request_pack(info_request),
        "for_reviewer": not rules.can_view_case(request.user, review.case),
        "can_reopen": agency_return.is_locked
        and rules.can_send_information_requests(request.user, review),
    })


@require_http_methods(["GET", "POST"])
def return_reopen(request, reference: str, pk: int):
    review = _review_or_404(request, reference)
    require(rules.can_send_information_requests(request.user, review))
    info_request = _request_or_404(review, pk)
    require(info_request.agency_return.is_locked)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency_return_reopen(actor=request.user, agency_return=info_request.agency_return,
                                 reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Return reopened. {info_request.agency.name} has been "
                                      "told")
            return redirect("rapid_review:return-view", reference=reference, pk=pk)
    return render(request, "rapid_review/requests/reopen.html", {
        "case": review.case, "form": form, "info_request": info_request})


@require_GET
def chase(request):
    require(rules.can_chase_returns(request.user, request.partnership))
    return render(request, "rapid_review/requests/chase.html",
                  {"page": chase_page(request.user, request.partnership,
                                      request.GET.get("page"))})


urlpatterns = [
    path("cases/<str:reference>/rapid-review/requests/", requests_page, name="requests"),
    path("cases/<str:reference>/rapid-review/requests/send/", requests_send,
         name="requests-send"),
    path("cases/<str:reference>/rapid-review/requests/<int:pk>/", return_view,
         name="return-view"),
    path("cases/<str:reference>/rapid-review/requests/<int:pk>/receipt/", request_receipt,
         name="request-receipt"),
    path("cases/<str:reference>/rapid-review/requests/<int:pk>/reopen/", return_reopen,
         name="return-reopen"),
    path("returns-to-chase/", chase, name="chase-list"),
]
