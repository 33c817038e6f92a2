"""A learning review's method and, where an agency leads it, the agency."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import edit_conflict
from accounts.models import Agency
from accounts.rules import require

from ..forms.learning import LearningMethodForm
from ..selectors import lcspr_running_to_manage
from ..services import learning_review_method_save
from ..services.learning import METHODS, needs_leading_agency


@require_http_methods(["GET", "POST"])
def method(request, reference: str):
    lcspr = lcspr_running_to_manage(request.user, reference)
    require(not lcspr.is_lcspr)
    form = LearningMethodForm(
        request.POST or None, methods=METHODS[lcspr.kind],
        agencies=Agency.objects.filter(partnerships=lcspr.case.partnership_id).order_by("name"),
        needs_agency=needs_leading_agency(lcspr),
        initial={"method": lcspr.method, "leading_agency": lcspr.leading_agency_id,
                 "revision": lcspr.method_revision})
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            learning_review_method_save(
                actor=request.user, lcspr=lcspr, method=form.cleaned_data["method"],
                leading_agency=form.cleaned_data.get("leading_agency"),
                revision=form.cleaned_data["revision"])
        except ValidationError as error:
            conflict = edit_conflict(form, error)
        else:
            messages.success(request, f"The {lcspr.short_name}'s method is saved")
            return redirect("lcspr:overview", reference=reference)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case, "conflict": conflict, "heading": True,
        "title": f"How the {lcspr.short_name} will be carried out"})
