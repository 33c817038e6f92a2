"""Who gets a rapid review's pages: the review group reads its papers, the business unit
runs it while it is open (``accounts.rules``). Everyone else gets 404, like anything out of
scope."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts import rules
from accounts.rules import require
from cases.selectors import cases_visible_to

from ..models import RapidReview
from ..selectors.terms import review_for_papers


def review_to_read(request, reference: str) -> RapidReview:
    """The review's papers: the business unit, managers and the partner representatives."""
    review = review_for_papers(request.user, reference)
    if review is None:
        raise Http404
    return review


def review_to_edit(request, reference: str) -> RapidReview:
    """The business unit's work on the review, while it runs."""
    case = get_object_or_404(cases_visible_to(request.user), reference=reference)
    review = get_object_or_404(RapidReview.objects.select_related(
        "case__partnership", "notification"), case=case)
    require(rules.can_edit_rapid_review(request.user, review))
    return review
