"""The agency's side: its requests, and the return as a task list of question pages.

Every page first finds the request among the user's own agency's (else 404); every
change also needs the return open (``rules.can_edit_return``), so a submitted return
answers 404 to any edit, upload or removal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import rules
from accounts.audit import audit_record, audit_view
from accounts.forms import RevisionField, apply_service_errors, edit_conflict
from accounts.models import AuditEvent
from accounts.rules import require

from ..forms.returns import (
    AnalysisForm,
    AnswersForm,
    AttachmentForm,
    InvolvementForm,
    LearningForm,
    NilReturnForm,
    RecordsForm,
    SubmitReturnForm,
    SummaryForm,
)
from ..models import InformationRequest, ReturnAttachment
from ..selectors.requests import (
    agency_requests_page,
    request_for_agency_user,
    request_pack,
    return_state,
)
from ..services import (
    agency_return_missing,
    agency_return_nil,
    agency_return_save,
    agency_return_submit,
    return_attachment_add,
    return_attachment_remove,
)
from ..services.returns import (
    SECTIONS,
    involved_with_labels,
    required_sections,
    section_complete,
    sections_for,
)

FORMS = {"answers": AnswersForm, "involvement": InvolvementForm, "summary": SummaryForm,
         "analysis": AnalysisForm, "learning": LearningForm, "records": RecordsForm}
# Where the check page's error links land: the first question of each section.
FIRST_FIELD = {"answers": "id_further_answers", "involvement": "id_involved_with",
               "summary": "id_summary", "analysis": "id_worked_well",
               "records": "id_records_secured", "nil": "id_nil_reason"}


def _own_request(request, pk: int) -> InformationRequest:
    info_request = request_for_agency_user(request.user, pk)
    if info_request is None:
        raise Http404
    return info_request


def _editable(request, pk: int) -> InformationRequest:
    info_request = _own_request(request, pk)
    require(rules.can_edit_return(request.user, info_request.agency_return))
    return info_request


@require_GET
def agency_request_list(request):
    require(rules.can_list_agency_requests(request.user, request.partnership))
    return render(request, "rapid_review/returns/list.html", {
        "page": agency_requests_page(request.user, request.partnership,
                                     request.GET.get("page"))})


def _tasks(info_request: InformationRequest) -> list[dict]:
    agency_return = info_request.agency_return
    required = required_sections(info_request)
    tasks = []
    for key in sections_for(info_request):
        name = SECTIONS[key][0]
        if agency_return.is_nil_return:
            status = "Not needed"
        elif section_complete(agency_return, key):
            status = "Completed"
        elif key not in required:
            status = "Optional"
        else:
            status = "Not yet started"
        tasks.append({"key": key, "name": name, "status": status,
                      "url": reverse("rapid_review:return-section",
                                     kwargs={"pk": info_request.pk, "section": key})})
    return tasks


@require_GET
def return_tasklist(request, pk: int):
    info_request = _own_request(request, pk)
    agency_return = info_request.agency_return
    audit_view(actor=request.user, obj=agency_return, case=info_request.review.case)
    return render(request, "rapid_review/returns/tasklist.html", {
        "info_request": info_request, "case": info_request.review.case,
        "agency_return": agency_return, "state": return_state(info_request),
        "tasks": _tasks(info_request), "pack": request_pack(info_request),
        "attachments": agency_return.attachments.defer("data"),
        "involved_with": involved_with_labels(agency_return.involved_with),
        "can_edit": rules.can_edit_return(request.user, agency_return),
    })


def _with_revision(form):
    """The return's revision when the form was read, as a hidden field (crispy renders a
    hidden field the layout leaves out): a save against an older one is refused."""
    form.fields["revision"] = RevisionField()
    form.helper.render_hidden_fields = True
    return form


def _initial(agency_return, section: str) -> dict:
    values = {f: getattr(agency_return, f) for f in SECTIONS[section][1]}
    values["revision"] = agency_return.revision
    if section == "involvement":
        values["involved_with"] = [v for v in agency_return.involved_with.split(",") if v]
    if section == "records" and agency_return.records_secured is not None:
        values["records_secured"] = "yes" if agency_return.records_secured else "no"
    return values


@require_http_methods(["GET", "POST"])
def return_section(request, pk: int, section: str):
    info_request = _editable(request, pk)
    if section not in FORMS or section not in sections_for(info_request):
        raise Http404
    agency_return = info_request.agency_return
    form = _with_revision(FORMS[section](request.POST or None,
                                         initial=_initial(agency_return, section)))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            agency_return_save(actor=request.user, agency_return=agency_return,
                               section=section, **form.cleaned_data)
        except ValidationError as error:
            conflict = edit_conflict(form, error)
        else:
            messages.success(request, f"{SECTIONS[section][0]} saved")
            return redirect("rapid_review:return", pk=pk)
    return render(request, "rapid_review/returns/form.html", {
        "form": form, "info_request": info_request, "title": SECTIONS[section][0],
        "conflict": conflict})


@require_http_methods(["GET", "POST"])
def return_nil(request, pk: int):
    info_request = _editable(request, pk)
    agency_return = info_request.agency_return
    initial = {"nil_reason": agency_return.nil_reason, "revision": agency_return.revision}
    if agency_return.is_nil_return:
        initial["is_nil"] = "yes"
    form = _with_revision(NilReturnForm(request.POST or None, initial=initial))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            agency_return_nil(actor=request.user, agency_return=agency_return,
                              is_nil=form.cleaned_data["is_nil"],
                              reason=form.cleaned_data["nil_reason"],
                              revision=form.cleaned_data["revision"])
        except ValidationError as error:
            conflict = edit_conflict(form, error)
        else:
            messages.success(request, "Nil return saved" if form.cleaned_data["is_nil"]
                             else "This is no longer a nil return")
            return redirect("rapid_review:return", pk=pk)
    return render(request, "rapid_review/returns/form.html", {
        "form": form, "info_request": info_request, "title": "Make a nil return",
        "conflict": conflict,
        "intro": "Make a nil return if your agency has had no involvement with the child, "
                 "their family or the suspected perpetrator. A nil return needs none of the "
                 "other sections."})


@require_http_methods(["GET", "POST"])
def return_attachments(request, pk: int):
    info_request = _editable(request, pk)
    agency_return = info_request.agency_return
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            return_attachment_add(actor=request.user, agency_return=agency_return,
                                  filename=upload.name, data=upload.read())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{upload.name} uploaded")
            return redirect("rapid_review:return-attachments", pk=pk)
    return render(request, "rapid_review/returns/attachments.html", {
        "form": form, "info_request": info_request,
        "attachments": agency_return.attachments.defer("data")})


@require_POST
def return_attachment_remove_view(request, pk: int, attachment_pk: int):
    info_request = _editable(request, pk)
    attachment = get_object_or_404(ReturnAttachment.objects.defer("data"), pk=attachment_pk,
                                   agency_return=info_request.agency_return)
    try:
        return_attachment_remove(actor=request.user, attachment=attachment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{attachment.filename} removed")
    return redirect("rapid_review:return-attachments", pk=pk)


@require_GET
def return_attachment(request, pk: int, attachment_pk: int):
    """Served to the agency that sent it and to case readers; every download is audited."""
    attachment = get_object_or_404(
        ReturnAttachment.objects.select_related(
            "agency_return__request__review__case__partnership"),
        pk=attachment_pk, agency_return__request_id=pk)
    info_request = attachment.agency_return.request
    require(rules.can_view_information_request(request.user, info_request))
    case = info_request.review.case
    audit_record(action=AuditEvent.Action.DOWNLOAD, actor=request.user, obj=attachment,
                 partnership=case.partnership,
                 detail={"case": case.pk, "return": attachment.agency_return_id})
    response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.filename)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def return_submit(request, pk: int):
    """Check your answers, then submit with the safeguarding lead officer's name."""
    info_request = _own_request(request, pk)
    if request.method == "POST" and info_request.agency_return.is_locked and str(
            info_request.agency_return.submit_token) == request.POST.get("form_token"):
        # The same page posted again (a double click): the first post submitted it.
        messages.success(request, "Return submitted. The business unit has been told")
        return redirect("rapid_review:return", pk=pk)
    info_request = _editable(request, pk)
    agency_return = info_request.agency_return
    form = SubmitReturnForm(request.POST or None,
                            initial={"authorised_by": agency_return.authorised_by})
    missing = agency_return_missing(agency_return)
    if request.method == "POST" and form.is_valid() and not missing:
        try:
            agency_return_submit(actor=request.user, agency_return=agency_return,
                                 authorised_by=form.cleaned_data["authorised_by"],
                                 form_token=form.cleaned_data["form_token"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Return submitted. The business unit has been told")
            return redirect("rapid_review:return", pk=pk)
    problems = []
    for key, message in missing.items():
        target = "return-nil" if key == "nil" else "return-section"
        kwargs = {"pk": pk} if key == "nil" else {"pk": pk, "section": key}
        problems.append((message, f"{reverse(f'rapid_review:{target}', kwargs=kwargs)}"
                                  f"#{FIRST_FIELD[key]}"))
    return render(request, "rapid_review/returns/check.html", {
        "form": form, "info_request": info_request, "agency_return": agency_return,
        "problems": problems,
        "involved_with": involved_with_labels(agency_return.involved_with),
        "attachments": agency_return.attachments.defer("data"),
    })


urlpatterns = [
    path("information-requests/", agency_request_list, name="agency-requests"),
    path("information-requests/<int:pk>/", return_tasklist, name="return"),
    path("information-requests/<int:pk>/section/<slug:section>/", return_section,
         name="return-section"),
    path("information-requests/<int:pk>/nil-return/", return_nil, name="return-nil"),
    path("information-requests/<int:pk>/attachments/", return_attachments,
         name="return-attachments"),
    path("information-requests/<int:pk>/attachments/<int:attachment_pk>/",
         return_attachment, name="return-attachment"),
    path("information-requests/<int:pk>/attachments/<int:attachment_pk>/remove/",
         return_attachment_remove_view, name="return-attachment-remove"),
    path("information-requests/<int:pk>/submit/", return_submit, name="return-submit"),
]
