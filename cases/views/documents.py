"""Downloading a stored document version: authorised per document and audited.

A GET never stores anything: a document kept as a version when it is asked for (the action
plan, a briefing, terms, a letter) is asked for by a POST, which makes the version (once
for the same content, so a second click finds the first's) and redirects here."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET

from accounts import rules
from accounts.audit import audit_record
from accounts.models import AuditEvent

from ..documents import FORMATS, document_filename
from ..models import CaseDocument


def document_response(request, document: CaseDocument, fmt: str) -> HttpResponse:
    """The one way a document leaves the service: checks the rule, writes the audit event."""
    if fmt not in FORMATS or not rules.can_download_document(request.user, document):
        raise Http404
    if fmt == "pdf" and document.pdf_error:
        # The Word version was stored without it: say so, rather than serve an empty file.
        return render(request, "cases/document_pdf_missing.html", {"document": document},
                      status=404)
    audit_record(action=AuditEvent.Action.DOWNLOAD, actor=request.user, obj=document,
                 partnership=document.case.partnership,
                 detail={"case": document.case_id, "kind": document.kind,
                         "version": document.version, "format": fmt})
    response = HttpResponse(bytes(getattr(document, fmt)), content_type=FORMATS[fmt])
    response["Content-Disposition"] = \
        f'attachment; filename="{document_filename(document, fmt)}"'
    response["Cache-Control"] = "no-store"
    return response


def stored_version_redirect(document: CaseDocument, fmt: str) -> HttpResponse:
    """POST-redirect-GET: after the POST that made (or found) the version, its download."""
    if fmt not in FORMATS:
        raise Http404
    return redirect("cases:document-download", reference=document.case.reference,
                    pk=document.pk, fmt=fmt)


@require_GET
def document_download(request, reference: str, pk: int, fmt: str):
    document = (CaseDocument.objects.select_related("case__partnership")
                .filter(case__reference=reference, pk=pk).first())
    if document is None:
        raise Http404
    return document_response(request, document, fmt)


urlpatterns = [
    path("<str:reference>/documents/<int:pk>.<str:fmt>", document_download,
         name="document-download"),
]
