"""The National Panel's response to the rapid review (working days 16 to 30, seeds 000 and
001): recording it, replying to its questions, sharing it with the partners and the review
group, and moving the case on to an LCSPR, a national review or an action plan."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, Membership, Role, User
from calendars.models import REVIEW_ACTIONS, Part, StepAction
from calendars.services import deadline_meet, deadlines_close
from cases.models import Case, Stage
from cases.services import CaseError, case_stage_change
from lcspr.services.commissioning import lcspr_open
from outbox.services import message_queue

from ..models import PanelResponse, PanelSubmission, RapidReview

REPLY_OUTCOMES = {PanelResponse.Outcome.QUESTIONS, PanelResponse.Outcome.DISAGREES}


class NextStep:
    """Where the case goes after the Panel's response."""

    LCSPR = "lcspr"
    NATIONAL_REVIEW = "national_review"
    ACTION_PLAN = "action_plan"
    CHOICES = RapidReview._meta.get_field("next_step").choices
    # The national review is the Panel's: the case stays at its rapid review stage while it
    # is tracked, because no local stage describes it.
    STAGES = {LCSPR: Stage.LCSPR, NATIONAL_REVIEW: None, ACTION_PLAN: Stage.ACTION_PLAN}


def _submission(review: RapidReview) -> PanelSubmission:
    submission = PanelSubmission.objects.filter(review=review).first()
    if submission is None:
        raise CaseError("Record the submission to the Panel before its response")
    return submission


@transaction.atomic
def panel_response_record(*, actor: User, review: RapidReview, received_on: datetime.date,
                          outcome: str, summary: str, form_token=None) -> PanelResponse:
    """The Panel answered. More than one response can come (after a reply to its questions),
    so each is kept; the same form posted twice records it once."""
    review = RapidReview.objects.select_for_update(of=("self",)).select_related(
        "case__partnership").get(pk=review.pk)
    earlier = PanelResponse.objects.filter(form_token=form_token, review=review).first() \
        if form_token is not None else None
    if earlier is not None:
        return earlier
    submission = _submission(review)
    summary = (summary or "").strip()
    errors = {}
    if received_on is None:
        errors["received_on"] = "Enter the date the Panel's response was received"
    elif received_on > timezone.localdate():
        errors["received_on"] = "The date it was received must be today or in the past"
    elif received_on < submission.submitted_on:
        errors["received_on"] = (f"The date it was received must be on or after the "
                                 f"submission, {submission.submitted_on:%-d %B %Y}")
    if outcome not in PanelResponse.Outcome.values:
        errors["outcome"] = "Select the Panel's response"
    if not summary:
        errors["summary"] = "Enter a summary of the Panel's response"
    if errors:
        raise CaseError(errors)
    response = PanelResponse.objects.create(review=review, received_on=received_on,
                                            outcome=outcome, summary=summary,
                                            recorded_by=actor, form_token=form_token)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=response,
                 partnership=review.case.partnership,
                 detail={"case": review.case_id, "outcome": outcome,
                         "received_on": received_on.isoformat()})
    deadline_meet(actor=actor, case=review.case, action=StepAction.PANEL_RESPONSE_RECEIVED,
                  met_at=timezone.make_aware(datetime.datetime.combine(
                      received_on, datetime.time(12))))
    return response


@transaction.atomic
def panel_response_reply(*, actor: User, response: PanelResponse, reply: str,
                         replied_on: datetime.date) -> PanelResponse:
    """The partners' answer to the Panel's questions (or disagreement). One reply per
    response: the Panel's answer to it is recorded as a new response, so the exchange stays
    a history rather than an overwritten field."""
    response = PanelResponse.objects.select_for_update(of=("self",)).select_related(
        "review__case__partnership").get(pk=response.pk)
    if response.outcome not in REPLY_OUTCOMES:
        raise CaseError("Only a response with questions, or one that disagrees, needs a reply")
    if response.replied_on is not None:
        raise CaseError("The reply to this response has already been recorded. Record the "
                        "Panel's next response to continue")
    reply = (reply or "").strip()
    errors = {}
    if not reply:
        errors["reply"] = "Enter the reply to the Panel"
    if replied_on is None:
        errors["replied_on"] = "Enter the date the reply was sent"
    elif replied_on > timezone.localdate():
        errors["replied_on"] = "The date it was sent must be today or in the past"
    elif replied_on < response.received_on:
        errors["replied_on"] = (f"The date it was sent must be on or after the response was "
                                f"received, {response.received_on:%-d %B %Y}")
    if errors:
        raise CaseError(errors)
    response.reply, response.replied_on = reply, replied_on
    response.save(update_fields=["reply", "replied_on"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=response,
                 partnership=response.review.case.partnership,
                 detail={"case": response.review.case_id, "replied_on": replied_on.isoformat()})
    return response


@transaction.atomic
def panel_response_share(*, actor: User, response: PanelResponse) -> PanelResponse:
    """The partners and the review group hear that the response is in the app; the email
    carries the reference and a link only."""
    response = PanelResponse.objects.select_for_update(of=("self",)).select_related(
        "review__case__partnership").get(pk=response.pk)
    if response.shared_at is not None:
        raise CaseError("This response has already been shared")
    response.shared_at = timezone.now()
    response.save(update_fields=["shared_at"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=response,
                 partnership=response.review.case.partnership,
                 detail={"case": response.review.case_id, "shared": True})
    email_panel_response(response)
    return response


# The review group's members are named in the terms of reference, not app users: the partner
# representatives among them get the email; the business unit passes it to the others.
SHARE_ROLES = (Role.PARTNER_REPRESENTATIVE, Role.BUSINESS_UNIT_OFFICER, Role.BUSINESS_MANAGER)


def share_recipients(response: PanelResponse) -> list[str]:
    """The partner representatives and the business unit of the review's partnership."""
    return sorted(set(Membership.objects.filter(
        partnership=response.review.case.partnership_id, role__in=SHARE_ROLES,
        user__is_active=True).exclude(user__email="").values_list("user__email", flat=True)))


def email_panel_response(response: PanelResponse) -> int:
    """Queued in the transaction that shares the response."""
    case = response.review.case
    link = settings.SITE_URL + reverse("rapid_review:submission", args=[case.reference])
    subject = f"The Panel's response to rapid review {case.reference}"
    body = (f"The Child Safeguarding Practice Review Panel has responded to the rapid review "
            f"of case {case.reference}. Its response, received on "
            f"{response.received_on:%-d %B %Y}, is available in the app:\n\n{link}\n")
    return message_queue(to=share_recipients(response), subject=subject, body=body,
                         kind="panel_response", partnership_id=case.partnership_id,
                         reference=case.reference, related={"panel_response": response.pk})


def _moved_on(review: RapidReview) -> str | None:
    """The step the case already moved on to after the Panel's response, if any."""
    return review.next_step or None


def review_next_step(review: RapidReview) -> str | None:
    """For pages: where the case has gone after the Panel's response, or None."""
    return _moved_on(review)


@transaction.atomic
def case_move_on(*, actor: User, review: RapidReview, next_step: str) -> RapidReview:
    """After the Panel's response the case leaves the rapid review once: to an LCSPR (whose
    deadlines count from the partners' decision), a national review, or an action plan."""
    # Locks in the one order (docs/decisions/0006): the case, then its review.
    case = Case.objects.select_for_update(of=("self",)).select_related("partnership").get(
        pk=review.case_id)
    review = RapidReview.objects.select_for_update(of=("self",)).get(pk=review.pk)
    review.case = case
    if next_step not in NextStep.STAGES:
        raise CaseError({"next_step": "Select where the case goes next"})
    submission = _submission(review)
    if not review.panel_responses.exists():
        raise CaseError("Record the Panel's response before moving the case on")
    if _moved_on(review) is not None:
        raise CaseError("The case has already moved on from the rapid review")
    if next_step == NextStep.LCSPR:
        decided_at = submission.version.report.decided_at
        decided_on = timezone.localdate(decided_at) if decided_at else submission.submitted_on
        case_stage_change(actor=actor, case=case, to_stage=Stage.LCSPR,
                          note="The partners decided to commission an LCSPR")
        # Opens the LCSPR record (key lines of enquiry carried over) and its 6 month target.
        lcspr_open(actor=actor, case=case, decided_on=decided_on)
    elif next_step == NextStep.ACTION_PLAN:
        case_stage_change(actor=actor, case=case, to_stage=Stage.ACTION_PLAN,
                          note="After the Panel's response: an action plan")
    deadlines_close(actor=actor, case=case, parts=[Part.RAPID_REVIEW], actions=REVIEW_ACTIONS,
                    reason=f"The rapid review is complete: "
                           f"{dict(NextStep.CHOICES)[next_step].lower()}")
    review.next_step = next_step
    review.save(update_fields=["next_step"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=review,
                 partnership=case.partnership,
                 detail={"case": case.pk, "next_step": next_step})
    return review
