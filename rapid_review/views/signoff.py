"""Sign-off pages: the partners read the exact version and sign it or disagree; the
business unit sends the report for signature and resolves disagreements."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import rules
from accounts.audit import audit_view
from accounts.forms import apply_service_errors
from accounts.models import StatutoryPartner
from accounts.rules import require

from ..forms.signoff import DisagreeForm, EndorsementForm, ResolveForm, SignForm
from ..models import PartnerSignature, RapidReview, ReviewReport
from ..selectors.signoff import signoff_state
from ..services.signoff import (
    disagreement_resolve,
    endorsement_required,
    report_disagree,
    report_endorse,
    report_send_for_signature,
    report_sign,
    version_documents_generate,
)
from .access import review_to_edit, review_to_read


def _signoff_page(request, review: RapidReview, *, form: SignForm | None = None,
                  error: str = "", status: int = 200):
    state = signoff_state(review)
    case = review.case
    partner = rules.partner_represented_by(request.user, case.partnership)
    mine = state.status_for(partner) if partner else None
    can_sign = (state.version is not None and rules.can_sign_report(request.user, case)
                and mine is not None and mine.signature is None and not review.stopped_on)
    if can_sign and form is None:
        form = SignForm(initial={"content_sha256": state.version.content_sha256,
                                 "signer_role": f"{StatutoryPartner(partner).label} "
                                                "representative"})
    if can_sign:
        form.helper.form_action = reverse("rapid_review:signoff-sign", args=[case.reference])
    audit_view(actor=request.user, obj=case)
    return render(request, "rapid_review/signoff/page.html", {
        "review": review, "case": case, "state": state, "form": form if can_sign else None,
        "partner_label": StatutoryPartner(partner).label if partner else "",
        "can_sign": can_sign, "error": error, "endorser": endorsement_required(review),
        "endorsement": state.version.endorsements.first() if state.version else None,
        "can_manage": rules.can_edit_rapid_review(request.user, review),
    }, status=status)


@require_GET
def signoff(request, reference: str):
    return _signoff_page(request, review_to_read(request, reference))


@require_POST
def signoff_send(request, reference: str):
    review = review_to_edit(request, reference)
    report = get_object_or_404(ReviewReport, review=review)
    try:
        version = report_send_for_signature(actor=request.user, report=report)
    except ValidationError as refused:
        return _signoff_page(request, review, error=" ".join(refused.messages), status=400)
    messages.success(request, f"Version {version.number} sent to the three partners for "
                              "signature")
    return redirect("rapid_review:signoff", reference=reference)


@require_POST
def signoff_documents(request, reference: str):
    """Make the live version's documents that are missing, or whose PDF failed: they are
    rendered after the change that froze or signed it committed, and may have failed."""
    review = review_to_edit(request, reference)
    state = signoff_state(review)
    if state.version is None:
        raise Http404
    documents = version_documents_generate(actor=request.user, version=state.version)
    failed = [d.get_kind_display() for d in documents if d.pdf_error]
    if failed:
        messages.warning(request, f"The documents of version {state.version.number} are made, "
                                  f"but the PDF of {', '.join(failed)} could not be made")
    else:
        messages.success(request, f"The documents of version {state.version.number} are made")
    return redirect("rapid_review:signoff", reference=reference)


def _live_version_for_partner(request, review: RapidReview):
    require(rules.can_sign_report(request.user, review.case))
    state = signoff_state(review)
    if state.version is None:
        raise Http404
    return state.version


@require_POST
def signoff_sign(request, reference: str):
    review = review_to_read(request, reference)
    version = _live_version_for_partner(request, review)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            signature = report_sign(actor=request.user, version=version,
                                    content_sha256=form.cleaned_data["content_sha256"],
                                    signer_role=form.cleaned_data["signer_role"],
                                    partner=request.POST.get("partner") or None,
                                    form_token=form.cleaned_data["form_token"])
        except ValidationError as refused:
            apply_service_errors(form, refused)
        else:
            # The version signed: a second post of the form answers with the first's.
            messages.success(request, f"You signed version {signature.version.number}")
            return redirect("rapid_review:signoff", reference=reference)
    return _signoff_page(request, review, form=form, status=400)


@require_http_methods(["GET", "POST"])
def signoff_disagree(request, reference: str):
    review = review_to_read(request, reference)
    version = _live_version_for_partner(request, review)
    form = DisagreeForm(request.POST or None,
                        initial={"content_sha256": version.content_sha256})
    if request.method == "POST" and form.is_valid():
        try:
            report_disagree(actor=request.user, version=version, **form.cleaned_data,
                            partner=request.POST.get("partner") or None)
        except ValidationError as refused:
            apply_service_errors(form, refused)
        else:
            messages.success(request, "Your disagreement was recorded and sent to the "
                                      "business unit")
            return redirect("rapid_review:signoff", reference=reference)
    return render(request, "rapid_review/signoff/disagree.html",
                  {"form": form, "case": review.case, "version": version})


@require_http_methods(["GET", "POST"])
def signoff_resolve(request, reference: str, pk: int):
    review = review_to_edit(request, reference)
    signature = get_object_or_404(
        PartnerSignature.objects.select_related("version"), pk=pk,
        version__report__review=review, outcome=PartnerSignature.Outcome.DISAGREED,
        resolved_at__isnull=True)
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            disagreement_resolve(actor=request.user, signature=signature,
                                 resolution=form.cleaned_data["resolution"])
        except ValidationError as refused:
            apply_service_errors(form, refused)
        else:
            messages.success(request, "Resolution saved and sent to the partner")
            return redirect("rapid_review:signoff", reference=reference)
    return render(request, "rapid_review/signoff/resolve.html",
                  {"form": form, "case": review.case, "signature": signature})


@require_http_methods(["GET", "POST"])
def signoff_endorse(request, reference: str):
    review = review_to_edit(request, reference)
    state = signoff_state(review)
    if state.version is None or not state.all_signed or not endorsement_required(review):
        raise Http404
    form = EndorsementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            report_endorse(actor=request.user, version=state.version, **form.cleaned_data)
        except ValidationError as refused:
            apply_service_errors(form, refused)
        else:
            messages.success(request, f"Endorsement of version {state.version.number} recorded")
            return redirect("rapid_review:signoff", reference=reference)
    return render(request, "rapid_review/signoff/endorse.html",
                  {"form": form, "case": review.case, "version": state.version,
                   "endorser": endorsement_required(review)})


urlpatterns = [
    path("cases/<str:reference>/rapid-review/sign-off/", signoff, name="signoff"),
    path("cases/<str:reference>/rapid-review/sign-off/send/", signoff_send,
         name="signoff-send"),
    path("cases/<str:reference>/rapid-review/sign-off/documents/", signoff_documents,
         name="signoff-documents"),
    path("cases/<str:reference>/rapid-review/sign-off/sign/", signoff_sign,
         name="signoff-sign"),
    path("cases/<str:reference>/rapid-review/sign-off/disagree/", signoff_disagree,
         name="signoff-disagree"),
    path("cases/<str:reference>/rapid-review/sign-off/endorse/", signoff_endorse,
         name="signoff-endorse"),
    path("cases/<str:reference>/rapid-review/sign-off/disagreements/<int:pk>/resolve/",
         signoff_resolve, name="signoff-resolve"),
]
