"""Emails about referrals. No names or NHS numbers: the case reference and a link only."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse

from accounts.models import Membership, Role

from ..models import Referral, ReferralQuery, TriageDecision


def _link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _business_unit_emails(partnership_id: int) -> list[str]:
    return sorted(set(Membership.objects.filter(
        partnership_id=partnership_id, user__is_active=True,
        role__in=[Role.BUSINESS_UNIT_OFFICER, Role.BUSINESS_MANAGER],
    ).values_list("user__email", flat=True)))


def email_referral_received(referral: Referral) -> int:
    case = referral.case
    recipients = _business_unit_emails(case.partnership_id)
    body = (f"A new referral has arrived from {referral.referring_agency.name}.\n\n"
            f"Case: {case.reference}\nRequest: {referral.get_request_type_display()}\n\n"
            f"Open it: {_link('cases:referral-review', case.reference)}\n")
    return send_mass_mail([(f"New referral: {case.reference}", body,
                            settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients])


def email_referral_query(query: ReferralQuery) -> int:
    referral = query.referral
    body = (f"The business unit has a question about your referral {referral.case.reference}."
            f"\n\nAnswer it here: {_link('cases:my-referral', referral.case.reference)}\n")
    return send_mass_mail([(f"Question about your referral {referral.case.reference}", body,
                            settings.DEFAULT_FROM_EMAIL, [referral.referrer.email])])


def email_referral_decision(decision: TriageDecision) -> int:
    referral = decision.case.referral
    body = (f"A decision has been made on your referral {decision.case.reference}.\n\n"
            f"Outcome: {decision.get_decision_display()}\n\n"
            f"See the outcome: {_link('cases:my-referral', decision.case.reference)}\n")
    return send_mass_mail([(f"Decision on your referral {decision.case.reference}", body,
                            settings.DEFAULT_FROM_EMAIL, [referral.referrer.email])])
