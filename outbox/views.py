"""The business unit's page of emails that could not be delivered, and "Try again"."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts import rules
from accounts.rules import require
from config.pagination import paginate

from . import selectors
from .models import Message
from .services import OutboxError, message_retry


def _page(request, *, error: str = "", status: int = 200):
    require(rules.can_view_undelivered_email(request.user, request.partnership))
    found = selectors.undelivered_messages_visible_to(request.user, request.partnership)
    page = paginate(request, found)
    return render(request, "outbox/undelivered.html", {"page": page, "error": error},
                  status=status)


@require_GET
def undelivered(request):
    return _page(request)


@require_POST
def retry(request, pk: int):
    # Any of the partnership's messages, not only undelivered ones: a second click after
    # the email went is told so, not given a 404.
    message = get_object_or_404(Message.objects.only("partnership_id"), pk=pk)
    require(rules.can_retry_email(request.user, message))
    try:
        changed = message_retry(actor=request.user, message=message)
    except OutboxError as refused:
        return _page(request, error=str(refused), status=400)
    message.refresh_from_db(fields=["status", "to"])
    if changed:
        messages.success(request, f"The email to {message.to} will be sent again within a "
                                  "minute")
    elif message.status == Message.Status.SENT:
        messages.success(request, f"The email to {message.to} has been sent")
    else:
        messages.success(request, f"The email to {message.to} is already being sent again")
    return redirect("outbox:undelivered")
