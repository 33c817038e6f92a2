"""Issue 12 end to end: a demo case from the Panel's response to a published LCSPR, in the
browser. The business manager moves the case on and commissions the review (sub-group,
reviewer, terms agreed); the reviewer sees that review only; a criminal investigation moves
the target date with a reason; a progress checkpoint; the family's six offers; the report
written by the reviewer and approved through the chain (the three partners endorsing the
version whose hash the page carries); the anonymised copy read back; the final report sent
at least 7 working days before the planned publication; the publication recorded on that
day; the case at its action plan with the statement read back."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD, PARTNERSHIP
from accounts.models import Partnership, User
from calendars.demo import adopt_demo_plan
from calendars.services import calendar_for
from calendars.working_days import add_working_days
from cases.demo import HOSPITAL, _referral, _triage
from cases.models import Case, Stage, TriageDecision
from cases.services import case_create
from lcspr.models import SECTIONS, Lcspr
from lcspr.services import lcspr_open
from rapid_review.demo.signoff import review_with_panel_response
from tests.browser.lcspr_steps import add_the_sub_group, revise_the_target_for_the_investigation
from tests.conftest import fill_date, sign_in, sign_out
from tests.readback import docx_text, flat, has_name, pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MANAGER = "manager@demo.example"
PARTNERS = ("la.partner@demo.example", "police.partner@demo.example",
            "icb.partner@demo.example")
CHILD = "Demo Child 8 (fictional)"


def _demo_case_with_the_panels_response():
    """The demo partnership, its plan and users, and one demo case whose rapid review the
    Panel answered (agreeing to an LCSPR), made as the demo makes its eighth case (the
    ``demo`` fixture has seeded the rest)."""
    partnership = Partnership.objects.get(code=PARTNERSHIP["code"])
    adopt_demo_plan(partnership)
    officer = User.objects.get(email="officer@demo.example")
    today = timezone.localdate()
    referral = _referral(User.objects.get(email="agency@demo.example"), HOSPITAL, partnership,
                         child="Demo Child 8", born=datetime.date(today.year - 6, 5, 17),
                         incident_on=add_working_days(today, -1), what="Fictional incident")
    _triage(referral.case, officer, TriageDecision.Decision.RAPID_REVIEW,
            "Notifiable: child died, improvements needed", partnership)
    review_with_panel_response(referral.case, officer, 8)
    return partnership, Case.objects.get(pk=referral.case_id)


def _date(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


def _download(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    with open(info.value.path(), "rb") as handle:
        return handle.read()


def test_a_demo_case_goes_from_the_panels_response_to_a_published_lcspr(page, demo):
    partnership, case = _demo_case_with_the_panels_response()
    ref = case.reference
    manager = User.objects.get(email=MANAGER)
    today = timezone.localdate()
    calendar = calendar_for(partnership)
    # Another LCSPR in the same partnership, which the reviewer must not see.
    other = case_create(actor=None, partnership=partnership, stage=Stage.LCSPR)
    lcspr_open(actor=manager, case=other, decided_on=today)

    # --- Commissioning: from the Panel's response ---------------------------------------
    sign_in(page, MANAGER, DEMO_PASSWORD)
    page.goto(reverse("rapid_review:submission", args=[ref]))
    page.check_accessibility()
    expect(page.locator("main")).to_contain_text("The Panel agrees with the partners' decision")
    page.get_by_role("link", name="Move the case on").click()
    page.check_accessibility()
    page.get_by_label("A local child safeguarding practice review (LCSPR)").check()
    page.get_by_role("button", name="Move the case on").click()
    page.check_accessibility()
    page.goto(reverse("lcspr:overview", args=[ref]))
    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Local child safeguarding practice review")
    expect(page.locator("#decided-by")).to_contain_text("partners")
    expect(page.locator("#key-lines")).to_contain_text("repeat calls to the home")
    expect(page.locator("#commissioning")).to_be_visible()

    add_the_sub_group(page, "{partner} of the demo area (fictional)")

    page.get_by_role("link", name="Reviewer", exact=True).click()
    page.check_accessibility()
    page.get_by_label("Name").fill("Robin Reviewer-Example")
    page.get_by_label("Email address").fill("robin.reviewer@example.org")
    page.get_by_label("Organisation").fill("Independent (fictional)")
    page.get_by_label("Knowledge of safeguarding").check()
    page.get_by_label("They have no line management").check()
    page.get_by_label("They have had no involvement").check()
    page.get_by_role("button", name="Appoint the reviewer").click()
    expect(page.locator("#reviewer")).to_contain_text("Robin Reviewer-Example")
    page.check_accessibility()

    page.get_by_role("link", name="Terms of reference").click()
    page.check_accessibility()
    page.get_by_role("button", name="Write the terms of reference").click()
    page.check_accessibility()
    expect(page.get_by_label("Questions for the review")).to_have_value(
        "How did the agencies share what they knew about repeat calls to the home?\n"
        "Why was the school's concern not discussed with the police?\n"
        "Was the child's own experience heard? (fictional)")
    fields = page.locator("input[name^='scope_from_'], input[name^='scope_to_']")
    for index, value in enumerate(("1", "1", str(today.year - 1), "1", "11", str(today.year))):
        fields.nth(index).fill(value)
    page.get_by_label("How will practitioners be involved?").fill("A practitioner event")
    page.get_by_label("How will the family be involved?").fill("Meetings with the mother")
    page.get_by_label("Communication lead").fill("Communications officer (fictional)")
    page.get_by_role("button", name="Save the terms of reference").click()
    page.check_accessibility()
    page.get_by_role("button", name="Record the sub-group's agreement").click()
    page.check_accessibility()
    page.get_by_label("Who agreed the terms for the review sub-group?").fill("Sub-group")
    fill_date(page, "When did the sub-group agree them?", today)
    page.get_by_role("button", name="Record the agreement").click()
    expect(page.locator("#agreements")).to_contain_text("Version 1 agreed")
    page.check_accessibility()
    page.goto(reverse("lcspr:overview", args=[ref]))
    expect(page.locator("#commissioning")).to_contain_text("Terms of reference")
    expect(page.locator("#running")).to_be_visible()

    # --- A criminal investigation moves the target date, with a reason ------------------
    page.get_by_role("link", name="Parallel processes").click()
    page.check_accessibility()
    page.get_by_role("button", name="Add a parallel process").click()
    page.check_accessibility()
    page.get_by_label("Criminal investigation").check()
    page.get_by_label("Under way").check()
    page.get_by_label("Who leads it?").fill("DI Example (fictional)")
    page.get_by_label("How does the review keep in contact with it?").fill(
        "Monthly call with the senior investigating officer")
    fill_date(page, "When was its lead last contacted?", today)
    page.get_by_label("What is its effect on the review's timetable?").fill(
        "Interviews wait for the charging decision")
    page.get_by_role("button", name="Add the process").click()
    expect(page.locator("#processes")).to_contain_text("DI Example (fictional)")
    page.check_accessibility()
    page.get_by_role("link", name="The target date").click()
    page.check_accessibility()
    page.get_by_role("button", name="Revise the target date").click()
    page.check_accessibility()
    revised = add_working_days(today, 200, calendar)
    revise_the_target_for_the_investigation(page, revised)
    expect(page.locator("#current-target")).to_contain_text(
        f"Revised target{revised:%a %-d %b %Y}")
    page.get_by_role("link", name="Back to the LCSPR").click()

    # --- A progress checkpoint ----------------------------------------------------------
    page.get_by_role("link", name="Progress checkpoints").click()
    page.check_accessibility()
    page.get_by_role("button", name="Add a checkpoint on a date").click()
    page.check_accessibility()
    fill_date(page, "When is the checkpoint?", today + datetime.timedelta(days=28))
    page.get_by_role("button", name="Add the checkpoint").click()
    expect(page.locator("#checkpoints")).to_contain_text("Due")
    page.check_accessibility()
    page.get_by_role("link", name="Back to the LCSPR").click()

    # --- The family's six offers, for one member ----------------------------------------
    page.get_by_role("link", name="Family involvement").click()
    page.check_accessibility()
    page.get_by_role("button", name="Add a family member").click()
    page.check_accessibility()
    page.get_by_label("Name").fill("Alex Example (fictional)")
    page.get_by_label("Parent", exact=True).check()
    page.get_by_role("button", name="Add the family member").click()
    page.check_accessibility()
    for offer in ("Notified of the review process", "Agreed the level and frequency",
                  "Supported to contribute", "Included in feedback",
                  "Informed and prepared for the publication", "Provided with an embargoed"):
        fill_date(page, offer, today)
    page.get_by_label("The level and frequency of contact agreed").fill(
        "A call every fortnight")
    page.get_by_label("By meeting with the local CSPR Chair/Author").check()
    page.get_by_role("button", name="Save").click()
    page.check_accessibility()
    family = page.locator("#family")
    expect(family).to_contain_text("Alex Example (fictional)")
    expect(family).not_to_contain_text("Not yet")
    expect(family).to_contain_text(_date(today))
    sign_out(page)

    # --- The reviewer sees that review and nothing else ---------------------------------
    reviewer = Lcspr.objects.get(case=case).reviewer.user
    reviewer.set_password(DEMO_PASSWORD)
    reviewer.save()
    sign_in(page, reviewer.email, DEMO_PASSWORD)
    reviews = page.locator("section[aria-labelledby=reviews]")
    expect(reviews).to_contain_text(ref)
    expect(reviews).not_to_contain_text(other.reference)
    expect(reviews.locator("tbody tr")).to_have_count(1)
    assert page.goto(reverse("lcspr:overview", args=[other.reference])).status == 404
    page.check_accessibility()
    assert page.goto(reverse("cases:case-detail", args=[ref])).status == 404
    page.check_accessibility()
    page.goto(reverse("lcspr:overview", args=[ref]))
    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Local child safeguarding practice review")

    # Their update at the checkpoint.
    page.get_by_role("link", name="Progress checkpoints").click()
    page.check_accessibility()
    page.locator("#checkpoints a").first.click()
    page.check_accessibility()
    page.get_by_role("link", name="Write the reviewer's update").click()
    page.check_accessibility()
    page.get_by_label("The reviewer's update").fill("Chronologies merged (fictional)")
    page.get_by_role("button", name="Save the update").click()
    expect(page.locator("#reviewer-update")).to_contain_text("Chronologies merged")
    page.check_accessibility()

    # The report: every section, one recommendation, a version frozen for approval.
    page.goto(reverse("lcspr:overview", args=[ref]))
    page.get_by_role("link", name="Overview report").click()
    page.check_accessibility()
    for key, label in SECTIONS:
        page.locator("#sections").get_by_role("link", name=label.lower()).click()
        page.check_accessibility()
        if key != "questions":  # carried over from the key lines of enquiry
            page.get_by_label(label).fill(f"{label}: what the review found about {CHILD}, "
                                          f"whose home the agencies visited.")
        page.get_by_role("button", name="Save the section").click()
        expect(page.locator("#report-status")).to_contain_text("Draft")
    expect(page.locator("#sections")).not_to_contain_text("Not written yet")
    page.get_by_role("button", name="Add a recommendation").click()
    page.check_accessibility()
    page.get_by_label("What is recommended?").fill(
        f"Agencies share what they know about children like {CHILD} within 5 working days")
    page.get_by_label("Who owns it?").fill("Head of safeguarding, each agency (fictional)")
    fill_date(page, "By when?", add_working_days(today, 120, calendar))
    page.get_by_label("How will progress be measured? (optional)").fill("An audit of 20 cases")
    page.get_by_role("button", name="Add the recommendation").click()
    expect(page.locator("#recommendations")).to_contain_text("Agencies share what they know")
    page.check_accessibility()
    page.get_by_role("button", name="Freeze a version and send it for approval").click()
    page.check_accessibility()
    expect(page.locator("#approval-status")).to_contain_text(
        "Version 1 is going through the approval chain")
    sha = page.locator("#version-hash").inner_text()
    assert len(sha) == 64
    sign_out(page)

    # --- The approval chain -------------------------------------------------------------
    def record_group_decision(stage: str, outcome: str) -> None:
        page.goto(reverse("lcspr:approval", args=[ref]))
        page.check_accessibility()
        page.locator("#stages").get_by_role("link", name=stage).click()
        page.check_accessibility()
        expect(page.locator("main")).to_contain_text(f"SHA-256 beginning {sha[:12]}")
        expect(page.locator("input[name=content_sha256]")).to_have_value(sha)
        page.get_by_label(outcome, exact=True).check()
        fill_date(page, "When was it decided?", today)
        page.get_by_label("Who decided?").fill("The review sub-group, chaired by Sam Example")
        page.get_by_role("button", name="Record the decision").click()
        decided = page.locator("#stages > li", has_text=stage)
        expect(decided).to_contain_text(outcome)
        expect(decided).to_contain_text(f"on {_date(today)} by The review sub-group")

    sign_in(page, MANAGER, DEMO_PASSWORD)
    # The partners' view of the checkpoint.
    page.goto(reverse("lcspr:checkpoints", args=[ref]))
    page.check_accessibility()
    page.locator("#checkpoints a").first.click()
    page.check_accessibility()
    page.get_by_role("link", name="Record the partners' review").click()
    page.check_accessibility()
    fill_date(page, "When did the partners review progress?", today)
    page.get_by_label("The partners' view of time").fill("Delayed by the trial (fictional)")
    page.get_by_label("The partners' view of quality").fill("Thorough (fictional)")
    page.get_by_role("button", name="Record the partners' review").click()
    expect(page.locator("#checkpoint-status")).to_contain_text("Met")
    page.check_accessibility()
    record_group_decision("Quality assurance by the review sub-group", "Approved")
    record_group_decision("Ratification by the review sub-group", "Approved")
    sign_out(page)

    for email in PARTNERS:
        sign_in(page, email, DEMO_PASSWORD)
        page.goto(reverse("lcspr:approval", args=[ref]))
        page.check_accessibility()
        expect(page.locator("#version-hash")).to_have_text(sha)
        page.get_by_role("link", name="Record your decision").click()
        page.check_accessibility()
        expect(page.locator("input[name=content_sha256]")).to_have_value(sha)
        page.get_by_label("I endorse this version for my organisation").check()
        page.get_by_label("Your role").fill("Director (fictional)")
        page.get_by_role("button", name="Record my decision").click()
        expect(page.locator("#stages")).to_contain_text(
            f"signed by {User.objects.get(email=email).full_name}")
        page.check_accessibility()
        sign_out(page)

    sign_in(page, MANAGER, DEMO_PASSWORD)
    record_group_decision("Presented to the strategic group for information", "Noted")
    expect(page.locator("#approval-status")).to_contain_text(
        "Version 1 is approved through the chain")
    expect(page.locator("#stages")).not_to_contain_text("not signed")
    page.check_accessibility()

    # --- The anonymised copy ------------------------------------------------------------
    page.goto(reverse("lcspr:overview", args=[ref]))
    page.get_by_role("link", name="Anonymised copy for publication").click()
    page.check_accessibility()
    page.get_by_role("button", name="Suggest from the case record").click()
    terms = page.locator("#terms")
    expect(terms).to_contain_text(CHILD)
    expect(terms).to_contain_text("Child A")
    expect(terms).to_contain_text("Suggested")
    page.check_accessibility()
    page.get_by_role("button", name="Confirm the list").click()
    expect(terms).not_to_contain_text("Suggested")
    page.get_by_role("button", name="Make the anonymised copy").click()
    expect(page.locator("#copy-status")).to_contain_text("To review")
    page.check_accessibility()
    copy_links = page.locator("#copy")
    for fmt, read in (("Word", docx_text), ("PDF", lambda data: pdf_text(data, layout=False))):
        anonymised = flat(read(_download(page, copy_links.get_by_role("link", name=fmt).first)))
        assert not has_name(anonymised, CHILD) and "Demo Child" not in anonymised, fmt
        assert "Child A" in anonymised, fmt
        assert "whose home the agencies visited" in anonymised, fmt
    page.get_by_role("button", name="I have read it: mark it ready for publication").click()
    expect(page.locator("#copy-status")).to_contain_text("Ready")
    page.check_accessibility()

    # --- The final report, at least 7 working days before the planned publication -------
    planned = add_working_days(today, 12, calendar)
    page.goto(reverse("lcspr:overview", args=[ref]))
    page.get_by_role("link", name="Plan the planned publication date").click()
    page.check_accessibility()
    fill_date(page, "When is the report planned to be published?", planned)
    page.get_by_role("button", name="Save the date").click()
    expect(page.locator("#planned-publication")).to_contain_text(_date(planned))
    expect(page.locator("#final-report")).to_contain_text("Open")
    page.get_by_role("link", name="Record as sent").click()
    page.check_accessibility()
    for recipient in page.get_by_role("group", name="Who was the approved final report sent "
                                                    "to?").get_by_role("checkbox").all():
        expect(recipient).to_be_checked()
    fill_date(page, "When was it sent?", today)
    page.get_by_role("button", name="Record as sent").click()
    page.check_accessibility()
    expect(page.locator("#dispatches")).to_contain_text(f"Sent on {_date(today)}")
    expect(page.locator("#dispatches")).not_to_contain_text("Not sent")
    expect(page.locator("main")).to_contain_text(
        f"at least 7 working days before the planned publication on {_date(planned)}")
    page.goto(reverse("cases:case-deadlines", args=[ref]))
    page.check_accessibility()
    final = page.locator("tr", has_text="Send the final LCSPR report")
    expect(final).to_contain_text("Met")
    expect(final).not_to_contain_text("Met late")
    target = page.locator("tr", has_text="Complete the LCSPR")
    expect(target).to_contain_text("Met")
    expect(target).not_to_contain_text("Met late")

    page.goto(reverse("lcspr:publication", args=[ref]))
    page.check_accessibility()
    page.get_by_role("link", name="Record the publication decision").click()
    page.check_accessibility()
    page.get_by_label("Publish the report", exact=True).check()
    fill_date(page, "When was it decided?", today)
    page.get_by_label("Who decided?").fill("The three safeguarding partners (fictional)")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#publication")).to_contain_text("Publish the report, decided by")
    expect(page.locator("#published")).to_contain_text("Not yet")
    sign_out(page)

    # --- Publication on the planned day (the live server shares this process's clock) ---
    with time_machine.travel(timezone.make_aware(
            datetime.datetime.combine(planned, datetime.time(11)))):
        assert timezone.localdate() == planned
        sign_in(page, MANAGER, DEMO_PASSWORD)
        page.goto(reverse("lcspr:publication", args=[ref]))
        page.get_by_role("link", name="Record the publication").click()
        page.check_accessibility()
        fill_date(page, "When was the report published?", planned)
        page.get_by_label("Where is it published?").fill(
            "https://demo.example/reviews/demo-child-8")
        page.get_by_role("button", name="Record the publication").click()
        expect(page.locator("#published")).to_contain_text(
            f"On {_date(planned)}: https://demo.example/reviews/demo-child-8")
        page.check_accessibility()
        statement_pdf = pdf_text(_download(
            page, page.locator("#statement").get_by_role("link", name="PDF")), layout=False)
        statement_docx = docx_text(_download(
            page, page.locator("#statement").get_by_role("link", name="Word")))
        for statement in (flat(statement_pdf), flat(statement_docx)):
            assert ref in statement
            assert _date(planned) in statement
            assert _date(today) in statement  # the final report sent
            assert "Publish the report" in statement and "Final report sent to" in statement

        page.goto(reverse("lcspr:overview", args=[ref]))
        expect(page.locator("#report-tasks")).not_to_contain_text("In progress")
        expect(page.locator("#report-tasks")).not_to_contain_text("Not yet started")
        page.goto(reverse("cases:case-detail", args=[ref]))
        page.check_accessibility()
        expect(page.locator("main")).to_contain_text("Action plan")
    case.refresh_from_db()
    assert case.stage == Stage.ACTION_PLAN
