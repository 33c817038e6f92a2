"""Celery tasks for the outbox. They take no arguments: the rows are in the database, and
each delivery claims its own (so two tasks, two beats or a retried task never send twice)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def outbox_deliver() -> dict:
    """Queued after a transaction that queued emails commits."""
    result = services.messages_deliver()
    if result.get("more"):
        services.deliver_soon()  # hand over to a fresh task rather than run for ever
    return result


@shared_task(acks_late=True, ignore_result=False)
def outbox_sweep() -> dict:
    """Every minute (beat): lapsed claims back in the queue, then what is due."""
    return services.outbox_sweep()
