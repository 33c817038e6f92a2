"""Emails about referrals, queued in the outbox in the transaction of the change they tell
about. No names or NHS numbers: the case reference and a link only."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from accounts.models import Membership, Role
from outbox.services import message_queue

from ..models import Case, Referral, ReferralQuery, TriageDecision


def _link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _business_unit_emails(partnership_id: int) -> list[str]:
    return sorted(set(Membership.objects.filter(
        partnership_id=partnership_id, user__is_active=True,
        role__in=[Role.BUSINESS_UNIT_OFFICER, Role.BUSINESS_MANAGER],
    ).values_list("user__email", flat=True)))


def email_referral_received(referral: Referral) -> int:
    case = referral.case
    body = (f"A new referral has arrived from {referral.referring_agency.name}.\n\n"
            f"Case: {case.reference}\nRequest: {referral.get_request_type_display()}\n\n"
            f"Open it: {_link('cases:referral-review', case.reference)}\n")
    return message_queue(to=_business_unit_emails(case.partnership_id),
                         subject=f"New referral: {case.reference}", body=body,
                         kind="referral_received", partnership_id=case.partnership_id,
                         reference=case.reference, related={"referral": referral.pk})


def email_referral_query(query: ReferralQuery) -> int:
    referral = query.referral
    # From the database: the caller's referral may predate the reference it was given.
    case = Case.objects.only("reference", "partnership_id").get(pk=referral.case_id)
    body = (f"The business unit has a question about your referral {case.reference}."
            f"\n\nAnswer it here: {_link('cases:my-referral', case.reference)}\n")
    return message_queue(to=referral.referrer.email,
                         subject=f"Question about your referral {case.reference}", body=body,
                         kind="referral_query", partnership_id=case.partnership_id,
                         reference=case.reference, related={"query": query.pk})


def email_referral_decision(decision: TriageDecision) -> int:
    referral = decision.case.referral
    case = decision.case
    body = (f"A decision has been made on your referral {case.reference}.\n\n"
            f"Outcome: {decision.get_decision_display()}\n\n"
            f"See the outcome: {_link('cases:my-referral', case.reference)}\n")
    return message_queue(to=referral.referrer.email,
                         subject=f"Decision on your referral {case.reference}", body=body,
                         kind="referral_decision", partnership_id=case.partnership_id,
                         reference=case.reference, related={"decision": decision.pk})
