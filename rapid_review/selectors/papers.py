"""The review group's list of rapid reviews ("Rapid reviews"): each review in progress with
its clock, its terms of reference, whether a version waits for the user's signature, and
its papers (each kind once, its latest version, older versions behind it); and the
incidents the partners were written to about before the Panel was notified.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, replace

from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from accounts import rules
from accounts.models import Partnership, User
from cases.models import Case, CaseDocument, DocumentDispatch, Stage
from notifications.documents import LETTER_KINDS

from ..models import PartnerSignature, RapidReview, ReportVersion, TermsAgreement
from .clock import ReviewClock, review_clock

# Before the Panel is notified the partners and the review group may already have been
# sent letters (SCSI-2, SCSI-3, SCSI-4): at any stage the letters can go (from the
# referral, through triage; a case triaged to a rapid review waits at that stage for the
# notification) while no rapid review has started.
VERSION_KEY = re.compile(r"^report-version-(\d+)(-signed)?$")
# In the order the review group receives them.
PAPER_ORDER = [*LETTER_KINDS, CaseDocument.Kind.TERMS_OF_REFERENCE,
               CaseDocument.Kind.MASTER_CHRONOLOGY, CaseDocument.Kind.COLLATED_RETURNS,
               CaseDocument.Kind.DECISION_RECORD_LETTER, CaseDocument.Kind.DECISION_RECORD,
               CaseDocument.Kind.RAPID_REVIEW_REPORT]


@dataclass(frozen=True)
class Paper:
    """The latest version of one kind of paper, with the older ones behind it."""

    document: CaseDocument
    label: str
    version: int
    older: tuple[Paper, ...] = ()


@dataclass(frozen=True)
class ReviewPapers:
    case: Case
    review: RapidReview | None
    clock: ReviewClock | None
    papers: list[Paper]
    terms_version: int | None
    # The report version out for signature, and whether it (or the terms) wait for the
    # user's own partner.
    signoff_version: int | None = None
    awaiting_signature: bool = False
    awaiting_agreement: bool = False
    can_view_case: bool = False


@dataclass(frozen=True)
class PapersPage:
    reviews: list[ReviewPapers]
    not_yet_notified: list[ReviewPapers]


def _paper(document: CaseDocument) -> Paper:
    match = VERSION_KEY.match(document.related_key)
    label = document.get_kind_display()
    if match and match.group(2):
        label += ", signed"
    elif document.related_key.startswith("filtered-"):
        label += ", filtered extract"
    return Paper(document, label, int(match.group(1)) if match else document.version)


def _recency(document: CaseDocument) -> tuple:
    """Newest last: the whole document before a filtered extract, then the report version
    (its signed record after the unsigned one), then the document's own version."""
    match = VERSION_KEY.match(document.related_key)
    return (not document.related_key.startswith("filtered-"),
            int(match.group(1)) if match else 0, bool(match and match.group(2)),
            document.version, document.created_at, document.pk)


def _current_papers(user: User, documents: list[CaseDocument]) -> list[Paper]:
    """Each kind of paper once, its latest version (for the report's documents: of the
    latest report version, signed once signed), every older version behind it."""
    kinds: dict[str, list[CaseDocument]] = {}
    for document in documents:
        if rules.can_download_document(user, document):
            kinds.setdefault(document.kind, []).append(document)
    papers = []
    for same_kind in kinds.values():
        newest_first = sorted(same_kind, key=_recency, reverse=True)
        latest = _paper(newest_first[0])
        papers.append(Paper(latest.document, latest.label, latest.version,
                            tuple(_paper(d) for d in newest_first[1:])))
    order = {kind: position for position, kind in enumerate(PAPER_ORDER)}
    return sorted(papers, key=lambda p: order.get(p.document.kind, len(order)))


def review_papers(user: User, partnership: Partnership,
                  today: datetime.date | None = None) -> PapersPage:
    """The partnership's rapid reviews in progress, each with its clock, and the incidents
    the partners have been sent letters about before the Panel was notified; each with the
    current version of each paper the user may download. A fixed number of queries."""
    if not rules.can_list_review_papers(user, partnership):
        return PapersPage([], [])
    today = today or timezone.localdate()
    partner = rules.partner_represented_by(user, partnership)
    letters_sent = DocumentDispatch.objects.filter(document__case=OuterRef("pk"),
                                                   document__kind__in=LETTER_KINDS)
    live = ReportVersion.objects.filter(report__review__case=OuterRef("pk"),
                                        voided_at__isnull=True)
    cases = list(
        rules.visible_to(user, Case.objects.all(), roles=rules.REVIEW_PAPER_READERS)
        .filter(partnership=partnership)
        .filter(Q(stage=Stage.RAPID_REVIEW, rapid_review__isnull=False,
                  rapid_review__stopped_on__isnull=True)
                | Q(Exists(letters_sent), stage__in=rules.LETTER_STAGES,
                    rapid_review__isnull=True))
        .annotate(
            signoff_version=Subquery(live.order_by("-number").values("number")[:1]),
            signed_by_me=Exists(PartnerSignature.objects.filter(
                version__report__review__case=OuterRef("pk"), version__voided_at__isnull=True,
                partner=partner, outcome=PartnerSignature.Outcome.SIGNED)),
            agreed_by_me=Exists(TermsAgreement.objects.filter(
                terms__review__case=OuterRef("pk"), version=F("terms__version"),
                partner=partner)))
        .select_related("partnership", "referral", "rapid_review__notification",
                        "rapid_review__terms_of_reference", "rapid_review__submission")
        .prefetch_related(Prefetch(
            "documents",
            queryset=CaseDocument.objects.filter(kind__in=rules.REVIEW_PAPER_KINDS)
            .select_related("case__partnership").defer("docx", "pdf")
            .order_by("kind", "related_key", "-version"),
            to_attr="papers"))
        .order_by("created_at", "reference"))
    reviews, not_yet_notified = [], []
    for case in cases:
        review = getattr(case, "rapid_review", None)
        papers = _current_papers(user, case.papers)
        can_view_case = rules.can_view_case(user, case)
        if review is None:
            not_yet_notified.append(ReviewPapers(case, None, None, papers, None,
                                                 can_view_case=can_view_case))
            continue
        terms = getattr(review, "terms_of_reference", None)
        if terms is not None:
            # The terms of reference go by the terms' own version, the one the partners
            # agree, not by how many times the document was made (agreements remake it).
            papers = [replace(p, version=terms.version)
                      if p.document.kind == CaseDocument.Kind.TERMS_OF_REFERENCE else p
                      for p in papers]
        reviews.append(ReviewPapers(
            case, review, review_clock(review, today), papers,
            terms.version if terms else None, signoff_version=case.signoff_version,
            awaiting_signature=bool(case.signoff_version and not case.signed_by_me
                                    and rules.can_sign_report(user, case)),
            awaiting_agreement=bool(terms and not case.agreed_by_me
                                    and rules.can_agree_terms(user, terms)),
            can_view_case=can_view_case))
    reviews.sort(key=lambda row: (row.review.started_on, row.case.reference))
    return PapersPage(reviews, not_yet_notified)
