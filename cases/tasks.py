"""Celery tasks: fetch by id, call a service. Only ids travel through the broker."""

from celery import shared_task


# Acknowledged after it runs, so a worker stopped mid-task leaves it in the broker; but not
# redelivered when its process dies (a document that kills the worker would kill every
# worker in turn): the sweep below queues it again, a few times at most.
@shared_task(acks_late=True, reject_on_worker_lost=False)
def document_prepare(preparation_id: int) -> int | None:
    """A large generated document (master chronology, collated returns), off the request."""
    from .documents import document_preparation_run

    preparation = document_preparation_run(preparation_id=preparation_id)
    return preparation.document_id


@shared_task(acks_late=True, ignore_result=False)
def document_preparations_requeue() -> dict:
    """Every minute: queue the preparations the broker never took or lost."""
    from .documents import document_preparations_requeue as requeue

    return requeue()


# As document_prepare: a file that kills its worker is not redelivered; the sweep queues it
# again a few times at most, then refuses it.
@shared_task(acks_late=True, reject_on_worker_lost=False)
def spreadsheet_upload_read(upload_id: int) -> int | None:
    """A large spreadsheet upload read and imported off the request."""
    from .spreadsheet_jobs import spreadsheet_upload_run

    return spreadsheet_upload_run(upload_id=upload_id).count


@shared_task(acks_late=True, ignore_result=False)
def spreadsheet_uploads_requeue() -> dict:
    """Every minute: queue the uploads the broker never took or lost."""
    from .spreadsheet_jobs import spreadsheet_uploads_requeue as requeue

    return requeue()
