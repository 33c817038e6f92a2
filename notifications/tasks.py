"""Celery tasks: fetch by id, call a service. Only ids travel through the broker."""

from celery import shared_task

from cases.models import DocumentDispatch

from .services import letter_email


@shared_task(acks_late=True)
def letter_dispatch_email(dispatch_id: int) -> int:
    return letter_email(DocumentDispatch.objects.get(pk=dispatch_id))
