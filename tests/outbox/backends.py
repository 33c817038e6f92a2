"""An email backend for one test: while it "sends", the message's claim lapses and another
worker takes it (what a send slower than OUTBOX_CLAIM_SECONDS would meet)."""

from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F


class ClaimTakenWhileSendingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from outbox.models import Message

        Message.objects.filter(status="sending").update(attempts=F("attempts") + 1)
        return len(email_messages)
