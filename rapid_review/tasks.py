"""Celery tasks for the rapid review's emails: fetch by id, call the service. Only ids
travel through the broker."""

from celery import shared_task

from .models import AgencyReturn, InformationRequest
from .services import requests, returns


@shared_task(acks_late=True)
def information_request_email(request_id: int) -> int:
    request = InformationRequest.objects.select_related(
        "review__case__partnership", "agency", "return_deadline").get(pk=request_id)
    return requests.email_information_request(request)


@shared_task(acks_late=True)
def return_date_changed_email(request_id: int) -> int:
    request = InformationRequest.objects.select_related(
        "review__case__partnership", "agency", "return_deadline").get(pk=request_id)
    return requests.email_return_date_changed(request)


@shared_task(acks_late=True)
def return_submitted_email(return_id: int) -> int:
    agency_return = AgencyReturn.objects.select_related(
        "request__review__case", "request__agency").get(pk=return_id)
    return returns.email_return_submitted(agency_return)


@shared_task(acks_late=True)
def return_reopened_email(return_id: int) -> int:
    agency_return = AgencyReturn.objects.select_related(
        "request__review__case", "request__agency").get(pk=return_id)
    return returns.email_return_reopened(agency_return)


@shared_task(acks_late=True)
def signoff_email(event: str, pk: int) -> int:
    from .services.signoff import signoff_email_send

    return signoff_email_send(event, pk)


@shared_task(acks_late=True)
def outcome_email(submission_id: int) -> int:
    from .models import PanelSubmission
    from .services.submission import email_outcome

    return email_outcome(PanelSubmission.objects.select_related(
        "review__case", "version__report").get(pk=submission_id))


@shared_task(acks_late=True)
def panel_response_email(response_id: int) -> int:
    from .models import PanelResponse
    from .services.panel_response import email_panel_response

    return email_panel_response(PanelResponse.objects.select_related(
        "review__case").get(pk=response_id))
