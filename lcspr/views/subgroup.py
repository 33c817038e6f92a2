"""The review sub-group's members: list, add, remove."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.forms import apply_service_errors

from ..forms.subgroup import MemberForm
from ..models import SubGroupMember
from ..selectors import lcspr_to_manage
from ..services import subgroup_member_add, subgroup_member_remove
from ..services.subgroup import partners_missing


@require_GET
def sub_group(request, reference: str):
    lcspr = lcspr_to_manage(request.user, reference)
    return render(request, "lcspr/sub_group.html", {
        "case": lcspr.case, "lcspr": lcspr, "members": list(lcspr.members.all()),
        "missing": partners_missing(lcspr)})


@require_http_methods(["GET", "POST"])
def member_add(request, reference: str):
    lcspr = lcspr_to_manage(request.user, reference)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subgroup_member_add(actor=request.user, lcspr=lcspr, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Member added to the review sub-group")
            return redirect("lcspr:sub-group", reference=reference)
    return render(request, "lcspr/form.html", {"form": form, "case": lcspr.case,
                                               "heading": True, "title": "Add a sub-group member",
                                               "back": "lcspr:sub-group"})


@require_http_methods(["GET", "POST"])
def member_remove(request, reference: str, pk: int):
    lcspr = lcspr_to_manage(request.user, reference)
    member = get_object_or_404(SubGroupMember, pk=pk, lcspr=lcspr)
    if request.method == "POST":
        subgroup_member_remove(actor=request.user, member=member)
        messages.success(request, f"{member.name} removed from the review sub-group")
        return redirect("lcspr:sub-group", reference=reference)
    return render(request, "lcspr/member_remove.html", {"case": lcspr.case, "member": member})
