"""Where each step of a plan is done: the page a deadline's link takes its person to.

Every ``StepAction`` has a page; the business unit and the agency asked see different
pages for an agency's return. A deadline whose case the person cannot open has no link.
"""

from __future__ import annotations

from django.urls import reverse

from calendars.models import Anchor, Deadline, StepAction

REQUEST_KEY = "information-request-"

# action -> (url name, takes the request's pk as well as the case reference)
BUSINESS_UNIT_PAGES: dict[str, tuple[str, bool]] = {
    StepAction.REFERRAL_SUBMITTED: ("cases:case-detail", False),
    StepAction.PANEL_NOTIFIED: ("notifications:notification-edit", False),
    StepAction.SECRETARY_OF_STATE_NOTIFIED: ("notifications:looked-after-death", False),
    StepAction.OFSTED_NOTIFIED: ("notifications:looked-after-death", False),
    StepAction.PARTNER_LETTER_SENT: ("notifications:letters", False),
    StepAction.REVIEW_GROUP_LETTER_SENT: ("notifications:letters", False),
    StepAction.RAPID_REVIEW_LETTER_SENT: ("notifications:letters", False),
    StepAction.MEETING_SCHEDULED: ("rapid_review:meetings", False),
    StepAction.MEETING_HELD: ("rapid_review:meetings", False),
    StepAction.TERMS_AGREED: ("rapid_review:terms", False),
    StepAction.INFORMATION_REQUESTS_SENT: ("rapid_review:requests", False),
    StepAction.RECEIPT_CONFIRMED: ("rapid_review:request-receipt", True),
    StepAction.RETURN_SUBMITTED: ("rapid_review:return-view", True),
    StepAction.RETURNS_COLLATED: ("rapid_review:collated-returns", False),
    StepAction.DECISION_RECORD_SENT: ("rapid_review:signoff", False),
    StepAction.PARTNERS_SIGNED: ("rapid_review:signoff", False),
    StepAction.REPORT_ENDORSED: ("rapid_review:signoff", False),
    StepAction.DELAY_NOTICE_SENT: ("rapid_review:submission", False),
    StepAction.RAPID_REVIEW_SUBMITTED: ("rapid_review:submission", False),
    StepAction.PANEL_RESPONSE_RECEIVED: ("rapid_review:submission", False),
    StepAction.FINAL_REPORT_SENT: ("lcspr:overview", False),
    StepAction.MARKED_DONE: ("cases:case-deadlines", False),
}


def _request_pk(deadline: Deadline) -> int | None:
    key = deadline.related_key
    return int(key.removeprefix(REQUEST_KEY)) if key.startswith(REQUEST_KEY) else None


# Steps whose page is their review's, whatever meets them: a learning review's target.
ANCHOR_PAGES = {Anchor.DECISION_TO_START_LEARNING_REVIEW: "lcspr:overview"}


def business_unit_link(deadline: Deadline) -> str:
    """The page where the business unit does (or, for others' steps, follows) the step."""
    if deadline.step.anchor in ANCHOR_PAGES:
        return reverse(ANCHOR_PAGES[deadline.step.anchor], args=[deadline.case.reference])
    name, with_request = BUSINESS_UNIT_PAGES[deadline.step.met_by]
    reference = deadline.case.reference
    pk = _request_pk(deadline) if with_request else None
    if with_request and pk is None:
        return reverse("cases:case-deadlines", args=[reference])
    return reverse(name, args=[reference, pk] if with_request else [reference])


def partner_link(deadline: Deadline) -> str | None:
    """A partner representative reads the review's papers, and signs there."""
    if deadline.step.met_by in (StepAction.PARTNERS_SIGNED, StepAction.DECISION_RECORD_SENT):
        return reverse("rapid_review:signoff", args=[deadline.case.reference])
    if deadline.step.met_by == StepAction.TERMS_AGREED:
        return reverse("rapid_review:terms", args=[deadline.case.reference])
    return None


def agency_link(deadline: Deadline) -> str | None:
    """The agency asked answers its request on its own pages."""
    pk = _request_pk(deadline)
    if pk is not None and deadline.step.met_by == StepAction.RETURN_SUBMITTED:
        return reverse("rapid_review:return", args=[pk])
    return None
