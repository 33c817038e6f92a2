"""Where each step of a plan is done: the page a deadline's link takes its person to.

Every ``StepAction`` has a page; the business unit and the agency asked see different
pages for an agency's return. A deadline whose case the person cannot open has no link.
"""

from __future__ import annotations

import re

from django.urls import reverse

from calendars.models import Anchor, Deadline, StepAction

REQUEST_KEY = "information-request-"
# The related keys of an LCSPR's checkpoints and timetable items (the pk follows).
CHECKPOINT_KEY = "lcspr-checkpoint-"
TIMETABLE_KEY = "lcspr-timetable-"

# action -> (url name, the related key's prefix when the page takes the pk it ends in as well
# as the case reference)
BUSINESS_UNIT_PAGES: dict[str, tuple[str, str | None]] = {
    StepAction.REFERRAL_SUBMITTED: ("cases:case-detail", None),
    StepAction.PANEL_NOTIFIED: ("notifications:notification-edit", None),
    StepAction.SECRETARY_OF_STATE_NOTIFIED: ("notifications:looked-after-death", None),
    StepAction.OFSTED_NOTIFIED: ("notifications:looked-after-death", None),
    StepAction.PARTNER_LETTER_SENT: ("notifications:letters", None),
    StepAction.REVIEW_GROUP_LETTER_SENT: ("notifications:letters", None),
    StepAction.RAPID_REVIEW_LETTER_SENT: ("notifications:letters", None),
    StepAction.MEETING_SCHEDULED: ("rapid_review:meetings", None),
    StepAction.MEETING_HELD: ("rapid_review:meetings", None),
    StepAction.TERMS_AGREED: ("rapid_review:terms", None),
    StepAction.INFORMATION_REQUESTS_SENT: ("rapid_review:requests", None),
    StepAction.RECEIPT_CONFIRMED: ("rapid_review:request-receipt", REQUEST_KEY),
    StepAction.RETURN_SUBMITTED: ("rapid_review:return-view", REQUEST_KEY),
    StepAction.RETURNS_COLLATED: ("rapid_review:collated-returns", None),
    StepAction.DECISION_RECORD_SENT: ("rapid_review:signoff", None),
    StepAction.PARTNERS_SIGNED: ("rapid_review:signoff", None),
    StepAction.REPORT_ENDORSED: ("rapid_review:signoff", None),
    StepAction.DELAY_NOTICE_SENT: ("rapid_review:submission", None),
    StepAction.RAPID_REVIEW_SUBMITTED: ("rapid_review:submission", None),
    StepAction.PANEL_RESPONSE_RECEIVED: ("rapid_review:submission", None),
    StepAction.FINAL_REPORT_SENT: ("lcspr:overview", None),
    StepAction.REVIEWER_NAME_SENT_TO_PANEL: ("lcspr:reviewer-letter", None),
    StepAction.REVIEWER_NAME_SENT_TO_OFSTED: ("lcspr:reviewer-letter", None),
    StepAction.REVIEWER_NAME_SENT_TO_DFE: ("lcspr:reviewer-letter", None),
    StepAction.CHECKPOINT_UPDATE_WRITTEN: ("lcspr:checkpoint-update", CHECKPOINT_KEY),
    StepAction.CHECKPOINT_REVIEWED: ("lcspr:checkpoint-review", CHECKPOINT_KEY),
    StepAction.TIMETABLE_ITEM_DONE: ("lcspr:timetable-item", TIMETABLE_KEY),
    StepAction.MARKED_DONE: ("cases:case-deadlines", None),
}
# An action plan's steps are done on the action's page, by the agency that owns it; the
# related key names the action (and, for an update, the round of updates).
ACTION_STEPS = frozenset({StepAction.ACTION_COMPLETED, StepAction.ACTION_UPDATE_GIVEN})
ACTION_KEY = re.compile(r"^actionplans-action-(\d+)(?:-update-\d+)?$")


def action_page(deadline: Deadline) -> str:
    return action_page_of(deadline.case.reference, deadline.related_key)


def action_page_of(reference: str, related_key: str) -> str:
    """The action's page from the case reference and the deadline's related key (the
    reminder sweep has those, not the deadline)."""
    match = ACTION_KEY.match(related_key)
    if match is None:
        return reverse("cases:case-deadlines", args=[reference])
    return reverse("actionplans:action", args=[reference, int(match[1])])


def _key_pk(deadline: Deadline, prefix: str = REQUEST_KEY) -> int | None:
    key = deadline.related_key
    tail = key.removeprefix(prefix)
    return int(tail) if key.startswith(prefix) and tail.isdigit() else None


# Steps whose page is their review's, whatever meets them: a learning review's target.
ANCHOR_PAGES = {Anchor.DECISION_TO_START_LEARNING_REVIEW: "lcspr:overview"}


def business_unit_link(deadline: Deadline) -> str:
    """The page where the business unit does (or, for others' steps, follows) the step."""
    if deadline.step.anchor in ANCHOR_PAGES:
        return reverse(ANCHOR_PAGES[deadline.step.anchor], args=[deadline.case.reference])
    if deadline.step.met_by in ACTION_STEPS:
        return action_page(deadline)
    name, prefix = BUSINESS_UNIT_PAGES[deadline.step.met_by]
    reference = deadline.case.reference
    if prefix is None:
        return reverse(name, args=[reference])
    pk = _key_pk(deadline, prefix)
    if pk is None:
        return reverse("cases:case-deadlines", args=[reference])
    return reverse(name, args=[reference, pk])


# The pages an LCSPR's appointed reviewer works on (the reviewer sees no case page).
REVIEWER_PAGES = {StepAction.CHECKPOINT_UPDATE_WRITTEN, StepAction.TIMETABLE_ITEM_DONE}


def partner_link(deadline: Deadline) -> str | None:
    """A partner representative reads the review's papers, and signs there; an LCSPR's
    reviewer writes their checkpoint update and keeps the timetable on the review's pages."""
    if deadline.step.met_by in REVIEWER_PAGES:
        return business_unit_link(deadline)
    if deadline.step.met_by in (StepAction.PARTNERS_SIGNED, StepAction.DECISION_RECORD_SENT):
        return reverse("rapid_review:signoff", args=[deadline.case.reference])
    if deadline.step.met_by == StepAction.TERMS_AGREED:
        return reverse("rapid_review:terms", args=[deadline.case.reference])
    return None


def agency_link(deadline: Deadline) -> str | None:
    """The agency asked answers its request on its own pages; an agency's action is done on
    the action's page."""
    if deadline.step.met_by in ACTION_STEPS:
        return action_page(deadline)
    pk = _key_pk(deadline)
    if pk is not None and deadline.step.met_by == StepAction.RETURN_SUBMITTED:
        return reverse("rapid_review:return", args=[pk])
    return None
