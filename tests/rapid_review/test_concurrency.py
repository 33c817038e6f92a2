"""Two people at once, in real transactions on PostgreSQL (docs/decisions/0006): signing
while an officer edits neither deadlocks nor leaves a signature on a voided version, and a
transaction holding one case's lock does not hold up another case of the partnership.

Each thread has its own database connection; a barrier starts the two together.
"""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F

from accounts.models import Role, StatutoryPartner
from rapid_review.models import PartnerSignature, ReportVersion, ReviewReport
from rapid_review.services import report_section_save, terms_save
from rapid_review.services.signoff import live_version, report_send_for_signature, report_sign
from tests.notifications.builders import partner_representatives
from tests.rapid_review.builders import held_quorate_meeting, review_for

pytestmark = pytest.mark.django_db(transaction=True)
NOTIFIED = datetime.date(2026, 11, 2)
MEETING = datetime.date(2026, 11, 17)
# The old locks deadlocked in 8 of 13 rounds of this race: 12 rounds all but never miss it.
ROUNDS = 12


def _report_out_for_signature(partnership, officer) -> ReviewReport:
    review = review_for(partnership, officer, notified_on=NOTIFIED)
    meeting = held_quorate_meeting(review, officer, MEETING)
    report = ReviewReport.objects.create(
        review=review, sections={"introduction": "This rapid review (fictional)."},
        decision=ReviewReport.Decision.LOCAL_CSPR, decision_meeting=meeting,
        key_lines_of_enquiry="How did agencies share information? (fictional)",
        updated_by=officer, revision=1)
    report_send_for_signature(actor=officer, report=report)
    return report


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def partners(partnership):
    return partner_representatives(partnership)


def _thread(results: dict, key: str, start: threading.Barrier | None, work) -> threading.Thread:
    """Run ``work`` on its own connection; record ok, refused (the service said no, in
    words) or error (anything else: a deadlock, a lock timeout)."""
    def run():
        try:
            if start is not None:
                start.wait(timeout=30)
            results[key] = ("ok", work())
        except ValidationError as refused:
            results[key] = ("refused", " ".join(refused.messages))
        except Exception as error:  # what the test is here to catch
            results[key] = ("error", repr(error))
        finally:
            connection.close()
    return threading.Thread(target=run, daemon=True)


def _run(*threads: threading.Thread) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
        assert not thread.is_alive(), "a transaction is still waiting for a lock"


@pytest.mark.slow
def test_signing_while_an_officer_edits_never_deadlocks_nor_signs_a_voided_version(
        partnership, officer, partners):
    report = _report_out_for_signature(partnership, officer)
    police = partners[StatutoryPartner.POLICE]
    outcomes = []
    for n in range(ROUNDS):
        version = live_version(report)
        start, results = threading.Barrier(2), {}
        edit = _thread(results, "edit", start, lambda n=n: report_section_save(
            actor=officer, report=report, key="background", text=f"Round {n} (fictional)"))
        sign = _thread(results, "sign", start, lambda v=version: report_sign(
            actor=police, version=v, content_sha256=v.content_sha256,
            signer_role="Chief Superintendent"))
        _run(edit, sign)
        assert results["edit"][0] == "ok", (n, results)  # an edit is never lost to the race
        assert results["sign"][0] in ("ok", "refused"), (n, results)
        if results["sign"][0] == "refused":  # the edit went first: told to read it again
            assert "no longer current" in results["sign"][1], (n, results)
        outcomes.append(results["sign"][0])

    # Every edit voided the version it found and froze the next: one live version.
    assert ReportVersion.objects.filter(report=report, voided_at__isnull=True).count() == 1
    assert report.versions.count() == ROUNDS + 1
    # A signature is never on a version voided before it was made.
    signatures = PartnerSignature.objects.filter(version__report=report)
    assert signatures.count() == outcomes.count("ok")
    assert not signatures.filter(version__voided_at__lt=F("signed_at")).exists()


@pytest.mark.slow
def test_a_transaction_holding_one_case_does_not_hold_up_another_of_the_partnership(
        partnership, officer, partners):
    first = _report_out_for_signature(partnership, officer)
    second = _report_out_for_signature(partnership, officer)
    assert first.review.case.partnership_id == second.review.case.partnership_id
    holding, release, results = threading.Event(), threading.Event(), {}

    def edit_first_and_hold():
        with transaction.atomic():
            report_section_save(actor=officer, report=first, key="background",
                                text="Held open (fictional)")
            holding.set()
            release.wait(timeout=60)

    holder = _thread(results, "holder", None, edit_first_and_hold)
    holder.start()
    assert holding.wait(timeout=30)
    version = live_version(second)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:  # waiting for a lock is a failure here
                cursor.execute("SET LOCAL lock_timeout = '3s'")
            report_section_save(actor=officer, report=second, key="background",
                                text="Edited meanwhile (fictional)")
            report_sign(actor=partners[StatutoryPartner.ICB], version=live_version(second),
                        content_sha256=live_version(second).content_sha256,
                        signer_role="Chief Nurse")
            terms_save(actor=officer, review=second.review,
                       children=list(second.review.case.children.all()), people=[],
                       scope_from=datetime.date(2025, 11, 1),
                       scope_to=datetime.date(2026, 11, 1), meeting_dates=[MEETING],
                       returns_due_on=datetime.date(2026, 11, 9))
    finally:
        release.set()
        holder.join(timeout=60)
    assert results["holder"][0] == "ok", results
    second.refresh_from_db()
    assert second.sections["background"] == "Edited meanwhile (fictional)"
    assert ReportVersion.objects.get(pk=version.pk).voided_at is not None
    assert live_version(second).signatures.get().signer_role == "Chief Nurse"
