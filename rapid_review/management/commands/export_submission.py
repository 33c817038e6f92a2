"""Write a case's submission pack for the Panel to a folder (for operations): the same ZIP
the business unit downloads, recorded in the audit trail."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.audit import audit_record
from accounts.models import AuditEvent
from rapid_review.models import RapidReview
from rapid_review.services.submission import submission_pack


class Command(BaseCommand):
    help = "Write the rapid review submission pack (ZIP) of CASE_REF into --out DIR."

    def add_arguments(self, parser):
        parser.add_argument("case_reference", metavar="CASE_REF")
        parser.add_argument("--out", required=True, type=Path, metavar="DIR")

    def handle(self, *args, case_reference: str, out: Path, **options):
        review = (RapidReview.objects.select_related("case__partnership", "notification")
                  .filter(case__reference=case_reference).first())
        if review is None:
            raise CommandError(f"No rapid review for case {case_reference}")
        try:
            filename, data = submission_pack(actor=None, review=review)
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from refused
        out.mkdir(parents=True, exist_ok=True)
        path = out / filename
        path.write_bytes(data)
        audit_record(action=AuditEvent.Action.DOWNLOAD, actor=None, obj=review.case,
                     partnership=review.case.partnership,
                     detail={"case": review.case_id, "kind": "submission_pack",
                             "via": "export_submission"})
        self.stdout.write(str(path))
