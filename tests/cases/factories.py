"""Referred cases for the business unit's pages: one through the services, many in bulk."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Agency, Partnership, User
from cases import services
from cases.models import Case, Child, Referral, Stage

from .builders import complete_draft


def referred_case(partnership: Partnership, user: User | None = None, **draft) -> Case:
    """A referral completed and submitted by an agency user, as the referral journey does."""
    referral = complete_draft(partnership, user, **draft)
    return services.referral_submit(actor=referral.referrer, referral=referral)


def bulk_cases(partnership: Partnership, count: int, *, agency: Agency, referrer: User,
               stage: str = Stage.REFERRED, start: int = 1) -> list[Case]:
    """``count`` referred cases, each with one child and a submitted referral, in 3 queries."""
    now = timezone.now()
    cases = Case.objects.bulk_create([
        Case(partnership=partnership, reference=f"{partnership.code}-2026-{n:04d}", stage=stage)
        for n in range(start, start + count)])
    Child.objects.bulk_create([
        Child(case=case, full_name=f"Bulkchild Number{n:04d}",
              date_of_birth=datetime.date(2018, 1, 1), gender="not_known")
        for n, case in enumerate(cases, start=start)])
    Referral.objects.bulk_create([
        Referral(case=case, referring_agency=agency, referrer=referrer, submitted_at=now,
                 request_type=Referral.RequestType.LEARNING_REVIEW, reason="Bulk test",
                 lead_officer_name="Bulk Lead-Officer")
        for case in cases])
    return cases
