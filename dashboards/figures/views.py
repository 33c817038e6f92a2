"""The figures page and its downloads: the yearly report (Word, spreadsheet) and each table
as CSV, for the period and partnerships in the URL. Every view and download is audited;
another partnership's figures are not found."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts import rules
from accounts.audit import audit_record
from accounts.models import AuditEvent
from accounts.rules import require

from ..cache import cached_page
from . import documents
from .charts import bar_chart
from .forms import ALL, FiguresForm
from .selectors import figures_partnerships
from .tables import TABLE_KEYS, figures_build

FORMATS = {"docx", "xlsx", "csv"}


@require_GET
def figures(request):
    user, partnership = request.user, request.partnership
    require(rules.can_view_figures(user, partnership))
    params = request.GET.copy()
    fmt = params.pop("format", [""])[0]
    table_key = params.pop("table", [""])[0]
    if fmt and fmt not in FORMATS:
        raise Http404
    today = timezone.localdate()
    readable = figures_partnerships(user)
    if params.get("partnership", ALL) not in {ALL, *(p.code for p in readable)}:
        raise Http404  # another partnership's figures: as if it did not exist
    if fmt:
        return _document(request, params, fmt, table_key, today, readable)
    page = cached_page("figures", request,
                       lambda: _figures_page(request, params, today, readable))
    if page["audit"] is not None:
        audit_record(action=AuditEvent.Action.VIEW, actor=user, partnership=partnership,
                     detail=page["audit"])
    return render(request, "dashboards/figures.html", {
        **page, "form": {"errors": page["errors"]}})  # base.html's title: "Error: ..."


def _chosen(request, params, today, readable):
    form = FiguresForm(params or None, today=today, current=request.partnership,
                       partnerships=readable)
    return form, form.chosen()


def _detail(period, partnerships) -> dict:
    return {"export": "figures", "from": period.start.isoformat(),
            "to": period.end.isoformat(), "partnerships": [p.pk for p in partnerships]}


def _figures_page(request, params, today, readable) -> dict:
    """The page below the header as HTML (the form is a GET form: no CSRF token), and what
    to audit; stored in the page cache (``dashboards.cache``)."""
    form, chosen = _chosen(request, params, today, readable)
    if chosen is None:
        context = {"form": form}
        audit = None
    else:
        period, partnerships = chosen
        result = figures_build(partnerships, period, today, yearly=False)
        tables = [(t, bar_chart(id=f"chart-{t.key}", title=f"{t.title}: {period.label}",
                                data=t.chart, unit=t.chart_unit, table_caption=t.title))
                  for t in result.tables]
        context = {"form": form, "figures": result, "tables": tables,
                   "query": params.urlencode(), "table_keys": TABLE_KEYS}
        audit = _detail(period, partnerships)
    return {"body": render_to_string("dashboards/_figures_body.html", context, request),
            "errors": bool(form.errors), "audit": audit}


def _document(request, params, fmt: str, table_key: str, today, readable) -> HttpResponse:
    _form, chosen = _chosen(request, params, today, readable)
    if chosen is None:
        raise Http404
    period, partnerships = chosen
    result = figures_build(partnerships, period, today, yearly=True)
    return _download(request, result, fmt, table_key, _detail(period, partnerships))


def _download(request, result, fmt: str, table_key: str, detail: dict) -> HttpResponse:
    if fmt == "csv":
        table = result.table(table_key)
        if table is None:
            raise Http404
        body, content_type = documents.table_csv(table), "text/csv"
        name = documents.filename(result, table.key, "csv")
    elif fmt == "xlsx":
        body, content_type = documents.report_xlsx(result), documents.XLSX_TYPE
        name = documents.filename(result, "yearly-figures", "xlsx")
    else:
        body, content_type = documents.report_docx(result), documents.DOCX_TYPE
        name = documents.filename(result, "yearly-figures", "docx")
    audit_record(action=AuditEvent.Action.DOWNLOAD, actor=request.user,
                 partnership=request.partnership,
                 detail={**detail, "format": fmt, "table": table_key or None})
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
