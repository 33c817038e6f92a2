"""Write a case's submission pack for the Panel to a folder (for operations): the same ZIP
the business unit downloads, recorded in the audit trail with the account that ran it. The
file is readable by its owner only (0600) and is never written through a symbolic link."""

import getpass
import os
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
        if out.is_symlink():
            raise CommandError(f"{out} is a symbolic link: give the folder itself")
        out.mkdir(parents=True, exist_ok=True)
        path = out / filename
        if path.is_symlink():
            raise CommandError(f"{path} is a symbolic link: nothing was written")
        _write_private(path, data)
        audit_record(action=AuditEvent.Action.DOWNLOAD, actor=None, obj=review.case,
                     partnership=review.case.partnership,
                     detail={"case": review.case_id, "kind": "submission_pack",
                             "via": "export_submission", "run_by": _who_ran_it()})
        self.stdout.write(str(path))


def _write_private(path: Path, data: bytes) -> None:
    """Write beside the target, owner-only and never through a link, then put it in place
    (a rename replaces the name itself, whatever it pointed to)."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _who_ran_it() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for the process's user id (a bare container)
        return f"uid {os.getuid()}"
