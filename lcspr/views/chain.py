"""The partnership's approval chains, one per kind of review: the business manager sets the
stages and who decides each."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import rules
from accounts.forms import apply_service_errors
from accounts.rules import require

from ..forms.report import ChainForm
from ..models import Lcspr
from ..report_documents import chain_summary
from ..services.chain import approval_chain, approval_chain_save


@require_http_methods(["GET", "POST"])
def approval_chains(request, kind: str = Lcspr.Kind.LCSPR):
    partnership = request.partnership
    require(rules.can_configure_approval_chains(request.user, partnership)
            and kind in Lcspr.Kind.values)
    current = approval_chain(partnership, kind)
    initial = {}
    for i, stage in enumerate(current, start=1):
        initial[f"name_{i}"], initial[f"kind_{i}"] = stage["name"], stage["kind"]
    form = ChainForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            approval_chain_save(actor=request.user, partnership=partnership, review_kind=kind,
                                stages=form.stages())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Approval chain for the {Lcspr.Kind(kind).label.lower()} "
                                      f"saved. Versions frozen from now on follow it")
            return redirect("lcspr:approval-chains", kind=kind)
    return render(request, "lcspr/approval_chains.html", {
        "form": form, "kind": kind, "kinds": Lcspr.Kind.choices,
        "kind_label": Lcspr.Kind(kind).label,
        "chains": [(value, label, chain_summary(approval_chain(partnership, value)))
                   for value, label in Lcspr.Kind.choices]})
