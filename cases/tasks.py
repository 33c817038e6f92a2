"""Celery tasks: fetch by id, call a service. Only ids travel through the broker."""

from celery import shared_task

from .models import Referral, ReferralQuery, TriageDecision
from .services import emails


@shared_task(acks_late=True)
def referral_received_email(referral_id: int) -> int:
    referral = Referral.objects.select_related("case", "referring_agency").get(pk=referral_id)
    return emails.email_referral_received(referral)


@shared_task(acks_late=True)
def referral_query_email(query_id: int) -> int:
    query = ReferralQuery.objects.select_related("referral__case", "referral__referrer").get(
        pk=query_id)
    return emails.email_referral_query(query)


@shared_task(acks_late=True)
def referral_decision_email(decision_id: int) -> int:
    decision = TriageDecision.objects.select_related("case__referral__referrer").get(
        pk=decision_id)
    if not hasattr(decision.case, "referral"):
        return 0
    return emails.email_referral_decision(decision)


@shared_task(acks_late=True)
def document_prepare(preparation_id: int) -> int | None:
    """A large generated document (master chronology, collated returns), off the request."""
    from .documents import document_preparation_run

    preparation = document_preparation_run(preparation_id=preparation_id)
    return preparation.document_id
