"""Recomputing a partnership's open deadlines off the request, without losing one.

A calendar or step change records a :class:`~calendars.models.DeadlineRecompute` in its
own transaction and queues the task after commit. When the broker is down the row stays
unqueued, the page says the dates are waiting, and the sweep queues it later; a run
deletes the row it did. Runs for one partnership take turns (a PostgreSQL advisory lock),
so two never tell the listeners (new packs, emails) about the same move twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Partnership
from config.celery import publish_after_commit

from ..models import DeadlineRecompute
from .deadlines import deadlines_recompute

# A request queued this long ago and still there lost its task: the sweep queues it again.
RECOMPUTE_STALE_AFTER = datetime.timedelta(minutes=10)
_LOCK_NAMESPACE = 7301  # pg_advisory_xact_lock(namespace, partnership id)


def _merged(steps: list[int] | None, more: Iterable[int] | None) -> list[int] | None:
    """Step ids to recompute; None means every step."""
    if steps is None or more is None:
        return None
    return sorted(set(steps) | set(more))


def deadlines_recompute_request(*, partnership: Partnership | int,
                                step_ids: Iterable[int] | None = None) -> DeadlineRecompute:
    """Record that open deadlines (of these steps, or all) must be recomputed and queue the
    run after commit. Call it inside the change's transaction."""
    partnership_id = partnership if isinstance(partnership, int) else partnership.pk
    steps = None if step_ids is None else sorted(set(step_ids))
    now = timezone.now()
    request, created = DeadlineRecompute.objects.select_for_update().get_or_create(
        partnership_id=partnership_id,
        defaults={"step_ids": steps, "requested_at": now, "queued_at": now})
    if not created:
        request.step_ids = _merged(request.step_ids, steps)
        request.requested_at = request.queued_at = now
        request.save(update_fields=["step_ids", "requested_at", "queued_at"])
    _publish(request)
    return request


def _publish(request: DeadlineRecompute) -> None:
    from ..tasks import deadlines_recompute_for_partnership

    partnership_id, queued_at = request.partnership_id, request.queued_at

    def not_queued() -> None:
        DeadlineRecompute.objects.filter(partnership_id=partnership_id,
                                         queued_at=queued_at).update(queued_at=None)
        request.queued_at = None

    publish_after_commit(deadlines_recompute_for_partnership, partnership_id,
                         on_failure=not_queued)


def deadlines_recompute_run(*, partnership_id: int) -> int:
    """Recompute what the partnership's request asks for, then delete the request unless a
    change came in meanwhile (that change queued its own run). No request: an earlier run
    did it, nothing to do. Returns how many deadlines moved."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)",
                               [_LOCK_NAMESPACE, partnership_id % 2**31])
        request = DeadlineRecompute.objects.filter(partnership_id=partnership_id).first()
        if request is None:
            return 0
        moved = deadlines_recompute(partnership=partnership_id, step_ids=request.step_ids)
        DeadlineRecompute.objects.filter(pk=request.pk,
                                         requested_at=request.requested_at).delete()
    return moved


def deadlines_recompute_requeue(*, limit: int = 200) -> dict[str, int]:
    """The sweep: queue again each request the broker never took, or took so long ago that
    it must have lost it (a restart). Requests being changed right now are skipped."""
    now = timezone.now()
    queued = 0
    with transaction.atomic():
        due = (DeadlineRecompute.objects.select_for_update(skip_locked=True)
               .filter(Q(queued_at=None) | Q(queued_at__lt=now - RECOMPUTE_STALE_AFTER))
               .order_by("requested_at")[:limit])
        for request in due:
            request.queued_at = now
            request.save(update_fields=["queued_at"])
            _publish(request)
            queued += 1
    return {"queued": queued}
