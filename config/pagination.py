"""One page of a list at a time, for every list page (issue 16: nothing renders an
unbounded list). ``includes/pagination.html`` shows the GOV.UK pagination component for the
page this returns, with links that keep the page's other GET parameters (its filters)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50


def page_of(rows, number: int | str | None, *, per_page: int | None = None) -> Page:
    """Page ``number`` of ``rows`` (the first for a bad number, the last past the end),
    holding in ``links`` the page numbers to link to, with ellipses between. Its count is
    one COUNT query on a queryset, or whatever ``rows.count()`` gives."""
    page = Paginator(rows, per_page or PAGE_SIZE).get_page(number)
    page.links = list(page.paginator.get_elided_page_range(page.number, on_each_side=1,
                                                           on_ends=1))
    return page


def paginate(request, rows, *, per_page: int | None = None) -> Page:
    """The page the request asks for (``?page=``)."""
    return page_of(rows, request.GET.get("page"), per_page=per_page)
