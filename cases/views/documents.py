"""Downloading a stored document version: authorised per document and audited."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
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
