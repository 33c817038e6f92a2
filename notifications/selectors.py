"""Reads for the local authority's notifications and the letters."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from calendars.models import Deadline
from cases.models import Case, CaseDocument, DocumentDispatch

from .documents import BUILDERS, LETTER_KINDS, TITLES, letter_record
from .services import LETTER_ACTIONS


@dataclass(frozen=True)
class Letter:
    kind: str
    title: str
    document: CaseDocument | None
    up_to_date: bool
    last_dispatch: DocumentDispatch | None
    due: Deadline | None

    @property
    def code(self) -> str:
        return self.title.split(" ")[0]


def letters_for(case: Case) -> list[Letter]:
    """Each letter's latest stored version, whether the record has changed since, when it
    was last sent (any version) and to whom, and the plan's step it meets."""
    documents = list(
        CaseDocument.objects.filter(case=case, kind__in=LETTER_KINDS)
        .defer("docx", "pdf").order_by("kind", "-version")
        .prefetch_related(Prefetch("dispatches", queryset=DocumentDispatch.objects
                                   .select_related("sent_by").order_by("-sent_at"))))
    record = letter_record(case)
    letters = []
    for kind in LETTER_KINDS:
        versions = [d for d in documents if d.kind == kind]
        latest = versions[0] if versions else None
        dispatches = sorted((x for d in versions for x in d.dispatches.all()),
                            key=lambda x: x.sent_at, reverse=True)
        # Compared as of the stored version's date: a letter is dated the day it is made,
        # and only a change to the record makes it out of date.
        if latest is not None:
            record.dated = timezone.localdate(latest.created_at)
        current = BUILDERS[kind](record).sha256()
        letters.append(Letter(kind=kind, title=TITLES[kind], document=latest,
                              up_to_date=latest is not None
                              and latest.content_sha256 == current,
                              last_dispatch=dispatches[0] if dispatches else None,
                              due=record.step_deadline(LETTER_ACTIONS[kind])))
    return letters
