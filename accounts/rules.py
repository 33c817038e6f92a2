"""Who may do what: every authorisation decision in the product is a named rule here.

Rules are plain functions of (user, object). Deny by default: a user holds rights only
through a ``Membership`` (role in a partnership); being a Django superuser grants nothing
in the service itself, only the operations admin site. Later apps add their rules here so
views, selectors, templates and tasks all ask the same question.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404

from .models import Membership, Partnership, Role, User

BUSINESS_UNIT = frozenset({Role.BUSINESS_UNIT_OFFICER, Role.BUSINESS_MANAGER})
DIRECTORY_READERS = BUSINESS_UNIT | {
    Role.MANAGER, Role.ADMINISTRATOR, Role.SCRUTINEER, Role.PARTNER_REPRESENTATIVE,
}
PEOPLE_READERS = BUSINESS_UNIT | {Role.ADMINISTRATOR, Role.SCRUTINEER}
AUDIT_READERS = frozenset({Role.BUSINESS_MANAGER, Role.ADMINISTRATOR, Role.SCRUTINEER})
CALENDAR_READERS = BUSINESS_UNIT | {Role.MANAGER, Role.ADMINISTRATOR, Role.SCRUTINEER}
CALENDAR_EDITORS = frozenset({Role.BUSINESS_MANAGER, Role.ADMINISTRATOR})
CASE_READERS = BUSINESS_UNIT | {Role.MANAGER, Role.SCRUTINEER}
ADMINISTRATORS = frozenset({Role.ADMINISTRATOR})
# Records management (issue 15): the retention rules and the records due for review are the
# business manager's (who answers for the partnership's records) and the administrator's (who
# keeps its settings); a subject access export holds everything about a child or a relative,
# so only the business manager makes one.
RECORDS_MANAGERS = frozenset({Role.BUSINESS_MANAGER, Role.ADMINISTRATOR})
SUBJECT_ACCESS = frozenset({Role.BUSINESS_MANAGER})


def require(allowed: bool) -> None:
    """Views call this with a rule's answer: out of scope is indistinguishable from absent."""
    if not allowed:
        raise Http404


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships, loaded once per user object (so once per request)."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_memberships_cache", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user).select_related("partnership", "agency")
        )
        user._memberships_cache = cached
    return cached


def roles_in(user: User, partnership: Partnership | None) -> frozenset[str]:
    if partnership is None:
        return frozenset()
    return frozenset(m.role for m in memberships_of(user) if m.partnership_id == partnership.pk)


def has_any_role(user: User, partnership: Partnership | None, roles: Iterable[str]) -> bool:
    return bool(roles_in(user, partnership) & frozenset(roles))


def partnership_ids_with_roles(user: User, roles: Iterable[str] | None = None) -> set[int]:
    wanted = None if roles is None else frozenset(roles)
    return {
        m.partnership_id for m in memberships_of(user) if wanted is None or m.role in wanted
    }


def agency_ids_of(user: User, partnership: Partnership | None = None) -> set[int]:
    """The agencies a user acts for (as an agency user), optionally in one partnership."""
    return {
        m.agency_id
        for m in memberships_of(user)
        if m.role == Role.AGENCY_USER
        and (partnership is None or m.partnership_id == partnership.pk)
    }


def is_business_unit(user: User, partnership: Partnership | None) -> bool:
    return has_any_role(user, partnership, BUSINESS_UNIT)


def can_view_partnership(user: User, partnership: Partnership) -> bool:
    return bool(roles_in(user, partnership))


def can_view_agency_directory(user: User, partnership: Partnership | None) -> bool:
    return has_any_role(user, partnership, DIRECTORY_READERS)


def can_view_people(user: User, partnership: Partnership | None) -> bool:
    return has_any_role(user, partnership, PEOPLE_READERS)


def can_view_audit_trail(user: User, partnership: Partnership | None) -> bool:
    return has_any_role(user, partnership, AUDIT_READERS)


# The partnership's figures (issue 14): those who run and oversee the work, and the partners'
# representatives who take them to the board. Counts and case references, no child's details.
FIGURES_READERS = BUSINESS_UNIT | {Role.MANAGER, Role.SCRUTINEER, Role.PARTNER_REPRESENTATIVE}


def can_view_figures(user: User, partnership: Partnership | None) -> bool:
    return has_any_role(user, partnership, FIGURES_READERS)


# Administration: people, their roles, agencies and the partnership's settings are the
# administrator's, inside the service (the operations admin is for operations only).
def can_administer(user: User, partnership: Partnership | None) -> bool:
    return has_any_role(user, partnership, ADMINISTRATORS)


def can_manage_people(user: User, partnership: Partnership | None) -> bool:
    return can_administer(user, partnership)


def can_manage_agencies(user: User, partnership: Partnership | None) -> bool:
    return can_administer(user, partnership)


def can_change_partnership_settings(user: User, partnership: Partnership | None) -> bool:
    return can_administer(user, partnership)


def can_share_agency(user: User, agency, partnership: Partnership) -> bool:
    """Only between partnerships the user administers: one the agency serves, and the one
    it is to serve too."""
    administered = partnership_ids_with_roles(user, ADMINISTRATORS)
    serves = {p.pk for p in agency.partnerships.all()}
    return partnership.pk in administered and bool(serves & administered)


def can_deactivate_person(user: User, person: User, partnership: Partnership) -> bool:
    """Switching an account off shuts it out of every partnership: only when the user
    administers every partnership the person has a role in, and never their own."""
    administered = partnership_ids_with_roles(user, ADMINISTRATORS)
    theirs = {m.partnership_id for m in person.memberships.all()}
    return (person.pk != user.pk and partnership.pk in administered
            and partnership.pk in theirs and theirs <= administered)


def can_reset_second_factor(user: User, person: User, partnership: Partnership) -> bool:
    """A reset lets whoever holds the password set up a new app, for every partnership the
    person is in: the same reach as switching the account off."""
    return can_deactivate_person(user, person, partnership)


def can_manage_records(user: User, partnership: Partnership | None) -> bool:
    """The retention rules, the records due for review and the legal holds."""
    return has_any_role(user, partnership, RECORDS_MANAGERS)


def can_decide_retention(user: User, case) -> bool:
    """Keep a case longer, hold it or mark it reviewed: once it is referred (a draft is the
    referring agency's own)."""
    return case.stage != "draft" and can_manage_records(user, case.partnership)


def can_export_subject_access(user: User, partnership: Partnership | None) -> bool:
    return has_any_role(user, partnership, SUBJECT_ACCESS)


def can_refer_incident(user: User, partnership: Partnership | None) -> bool:
    return has_any_role(user, partnership, {Role.AGENCY_USER})


def visible_to(user: User, queryset: QuerySet, *, roles: Iterable[str] | None = None,
               partnership_field: str = "partnership") -> QuerySet:
    """Scope any partnership-owned queryset to the partnerships where the user holds ``roles``.

    Every app's ``<model>s_visible_to`` selector starts here, so scoping is written once.
    """
    ids = partnership_ids_with_roles(user, roles)
    return queryset.filter(**{f"{partnership_field}__in": ids})


def can_view_calendar(user: User, partnership: Partnership | None) -> bool:
    """The calendar and the timeline plan: who works to them, and who oversees."""
    return has_any_role(user, partnership, CALENDAR_READERS)


def can_edit_calendar(user: User, partnership: Partnership | None) -> bool:
    return has_any_role(user, partnership, CALENDAR_EDITORS)


def can_view_partnership_deadlines(user: User, partnership: Partnership | None) -> bool:
    return has_any_role(user, partnership, CASE_READERS)


def can_send_reminders_now(user: User, partnership: Partnership | None) -> bool:
    """Sending today's reminders without waiting for 07:00: those told of escalations."""
    return has_any_role(user, partnership, {Role.BUSINESS_MANAGER})


def can_view_case(user: User, case) -> bool:
    """The whole case: the business unit, managers and scrutineers, once it is referred."""
    return case.stage != "draft" and has_any_role(user, case.partnership, CASE_READERS)


def can_triage(user: User, case) -> bool:
    return case.stage != "draft" and has_any_role(user, case.partnership, BUSINESS_UNIT)


def can_view_referral(user: User, referral) -> bool:
    """The referring agency sees its own referrals (a draft: only its author)."""
    if referral.case.stage == "draft":
        return referral.referrer_id == user.pk and referral.referring_agency_id in \
            agency_ids_of(user, referral.case.partnership)
    return (referral.referring_agency_id in agency_ids_of(user, referral.case.partnership)
            or can_view_case(user, referral.case))


def can_edit_referral(user: User, referral) -> bool:
    return referral.case.stage == "draft" and can_view_referral(user, referral)


def can_follow_referral(user: User, referral) -> bool:
    """The referring agency's own view of a submitted referral: status, outcome, questions."""
    return referral.case.stage != "draft" and can_answer_referral_query(user, referral)


def can_answer_referral_query(user: User, referral) -> bool:
    return referral.referring_agency_id in agency_ids_of(user, referral.case.partnership)


def can_correct_anchor(user: User, case) -> bool:
    return has_any_role(user, case.partnership, BUSINESS_UNIT)


def can_waive_deadlines_on(user: User, case) -> bool:
    """Waiving a statutory step is the business manager's call, with a reason."""
    return has_any_role(user, case.partnership, {Role.BUSINESS_MANAGER})


def can_waive_deadline(user: User, deadline) -> bool:
    return can_waive_deadlines_on(user, deadline.case)


# The local authority may notify the Panel from the referral until a rapid review runs,
# whatever triage decided; letters to the partners go from the referral too.
NOTIFIABLE_STAGES = frozenset({"referred", "more_information", "triage", "rapid_review",
                               "learning_review", "single_agency_review",
                               "no_further_action"})
LETTER_STAGES = NOTIFIABLE_STAGES


def can_record_notification(user: User, case) -> bool:
    return (case.stage in NOTIFIABLE_STAGES
            and has_any_role(user, case.partnership, BUSINESS_UNIT))


def can_send_letters(user: User, case) -> bool:
    return case.stage in LETTER_STAGES and has_any_role(user, case.partnership, BUSINESS_UNIT)


def can_record_looked_after_notices(user: User, case) -> bool:
    return case.stage != "draft" and has_any_role(user, case.partnership, BUSINESS_UNIT)


# An LCSPR, and the learning and single-agency reviews built from the same parts.
LOCAL_REVIEW_STAGES = frozenset({"lcspr", "learning_review", "single_agency_review"})


def can_manage_lcspr(user: User, case) -> bool:
    """The review's parts: the business unit, while the case is at its LCSPR or learning
    review."""
    return case.stage in LOCAL_REVIEW_STAGES and has_any_role(user, case.partnership,
                                                               BUSINESS_UNIT)


def is_appointed_reviewer(user: User, lcspr) -> bool:
    """The reviewer appointed to this LCSPR, while they hold the reviewer role there."""
    if lcspr is None:
        return False
    reviewer = getattr(lcspr, "reviewer", None)
    return (reviewer is not None and reviewer.user_id == user.pk
            and has_any_role(user, lcspr.case.partnership, {Role.REVIEWER}))


def is_case_reviewer(user: User, case) -> bool:
    """The reviewer appointed to the case's LCSPR: they read the agencies' returns and the
    master chronology carried over from the rapid review, for this case only."""
    return is_appointed_reviewer(user, getattr(case, "lcspr", None))


def can_view_lcspr(user: User, lcspr) -> bool:
    """The LCSPR's (or learning review's) overview and terms: the case's readers, and the
    reviewer appointed to it (who sees no case page, and no other review). A leading
    agency's users are not among them (docs/decisions/0011)."""
    return can_view_case(user, lcspr.case) or is_appointed_reviewer(user, lcspr)


def can_appoint_lcspr_reviewer(user: User, case) -> bool:
    """Seed 002: the chair/author is appointed by the business manager."""
    return case.stage in LOCAL_REVIEW_STAGES and has_any_role(user, case.partnership,
                                                               {Role.BUSINESS_MANAGER})


def can_write_lcspr_progress_update(user: User, lcspr) -> bool:
    """Regulation 14: the reviewer writes their update at a checkpoint; the business unit
    may record one the reviewer sent it."""
    return is_appointed_reviewer(user, lcspr) or can_manage_lcspr(user, lcspr.case)


def can_keep_lcspr_timetable(user: User, lcspr) -> bool:
    """Seed 002: the sub-group chair's timetable, kept by the business unit; the appointed
    reviewer arranges their own conversations and events on it."""
    return can_manage_lcspr(user, lcspr.case) or (
        lcspr.case.stage in LOCAL_REVIEW_STAGES and is_appointed_reviewer(user, lcspr))


def can_write_lcspr_report(user: User, lcspr) -> bool:
    """The overview report's drafts: the appointed reviewer (its author) and the business
    unit, while the case is at its review."""
    return lcspr.case.stage in LOCAL_REVIEW_STAGES and (is_appointed_reviewer(user, lcspr)
                                             or can_manage_lcspr(user, lcspr.case))


def can_read_lcspr_report(user: User, lcspr) -> bool:
    """The report, its approval and its documents: the review's readers and reviewer, and
    the partner representatives who endorse it."""
    return can_view_lcspr(user, lcspr) or (
        lcspr.case.stage != "draft"
        and has_any_role(user, lcspr.case.partnership, {Role.PARTNER_REPRESENTATIVE}))


def can_endorse_lcspr_report(user: User, lcspr) -> bool:
    """A partner representative signs the report for the partner they represent (the
    service checks which), while the case is at its review."""
    return lcspr.case.stage in LOCAL_REVIEW_STAGES and bool(
        partner_represented_by(user, lcspr.case.partnership))


def can_configure_approval_chains(user: User, partnership: Partnership | None) -> bool:
    """The business manager sets the partnership's approval chain for each kind of review."""
    return has_any_role(user, partnership, {Role.BUSINESS_MANAGER})


def can_mark_deadline_done(user: User, deadline) -> bool:
    """Steps the service cannot see done are ticked off by the business unit."""
    return has_any_role(user, deadline.case.partnership, BUSINESS_UNIT)


# Rapid review papers -----------------------------------------------------------------
# The partner representatives sit on the review group: they read its papers (terms of
# reference, letters, master chronology, collated returns) but not the rest of the case.
REVIEW_PAPER_READERS = CASE_READERS | {Role.PARTNER_REPRESENTATIVE}
REVIEW_PAPER_KINDS = frozenset({"partner_letter", "review_group_letter", "rapid_review_letter",
                                "terms_of_reference", "master_chronology", "collated_returns",
                                "rapid_review_report", "decision_record",
                                "decision_record_letter"})


def can_run_rapid_review(user: User, case) -> bool:
    """Letters, terms of reference, requests, chasing: the business unit's work."""
    return case.stage != "draft" and has_any_role(user, case.partnership, BUSINESS_UNIT)


def can_read_review_papers(user: User, case) -> bool:
    return case.stage != "draft" and has_any_role(user, case.partnership, REVIEW_PAPER_READERS)


def can_list_review_papers(user: User, partnership: Partnership | None) -> bool:
    """The partnership's rapid reviews in progress and their papers (the review group)."""
    return has_any_role(user, partnership, REVIEW_PAPER_READERS)


def partner_represented_by(user: User, partnership: Partnership | None) -> str:
    """The statutory partner the user represents in this partnership, or ''."""
    return next((m.statutory_partner for m in memberships_of(user)
                 if partnership is not None and m.partnership_id == partnership.pk
                 and m.role == Role.PARTNER_REPRESENTATIVE), "")


def can_sign_report(user: User, case) -> bool:
    """Only a partner representative of the case's partnership signs the rapid review
    report, and only for the partner they represent (the service checks which)."""
    return case.stage == "rapid_review" and bool(partner_represented_by(user, case.partnership))


def can_agree_terms(user: User, terms) -> bool:
    """Only a partner representative agrees the terms of reference, for their own partner."""
    case = terms.review.case
    return (terms.review.stopped_on is None and case.stage == "rapid_review"
            and bool(partner_represented_by(user, case.partnership)))


LCSPR_REVIEWER_KINDS = frozenset({"lcspr_terms_of_reference", "master_chronology",
                                  "collated_returns", "information_request",
                                  "lcspr_national_referral", "lcspr_overview_report",
                                  "lcspr_anonymised_report", "lcspr_family_copy"})
# The report the partners endorse, and what is made from it: their representatives read them.
LCSPR_PARTNER_KINDS = frozenset({"lcspr_overview_report", "lcspr_anonymised_report",
                                 "lcspr_publication_statement"})


def can_download_document(user: User, document) -> bool:
    """Case readers get every document; an agency only what was addressed to it;
    partner representatives the review group's papers; an LCSPR's reviewer its terms, the
    requests and returns carried over, and the referral back to the Panel."""
    case = document.case
    if case.stage == "draft":
        return False
    if can_view_case(user, case):
        return True
    if document.kind in LCSPR_PARTNER_KINDS and partner_represented_by(user, case.partnership):
        return True
    if document.kind in LCSPR_REVIEWER_KINDS and is_case_reviewer(user, case):
        return True
    if document.kind in PLAN_DOCUMENT_KINDS and can_read_action_plan(user, case):
        return True
    if document.kind == "seven_minute_briefing" and agency_ids_of(user, case.partnership):
        return True
    if document.agency_id and document.agency_id in agency_ids_of(user, case.partnership):
        return document.kind == "information_request"
    return document.kind in REVIEW_PAPER_KINDS and can_read_review_papers(user, case)


# Information requests and agency returns ---------------------------------------------
def can_view_information_request(user: User, request) -> bool:
    """The business unit (and case readers) see every request, and the reviewer those of
    their LCSPR's case; an agency only its own."""
    case = request.review.case
    return (request.agency_id in agency_ids_of(user, case.partnership)
            or can_view_case(user, case) or is_case_reviewer(user, case))


def can_edit_return(user: User, agency_return) -> bool:
    """Only the agency asked, while the return is open and the review still running."""
    request = agency_return.request
    return (not agency_return.is_locked and request.review.stopped_on is None
            and request.agency_id in agency_ids_of(user, request.review.case.partnership))


def can_edit_rapid_review(user: User, review) -> bool:
    """The business unit's work on a rapid review (meetings, report, sign-off, submission),
    while the review runs."""
    return review.stopped_on is None and can_run_rapid_review(user, review.case)


def can_send_information_requests(user: User, review) -> bool:
    """Sending, confirming receipt and reopening: the business unit, while the review runs."""
    return can_edit_rapid_review(user, review)


def can_answer_information_request(user: User, request) -> bool:
    """The agency's own side of a request (its task list, return, attachments): only the
    agency asked; the business unit reads the return under the case instead."""
    return request.agency_id in agency_ids_of(user, request.review.case.partnership)


def can_list_agency_requests(user: User, partnership: Partnership | None) -> bool:
    return has_any_role(user, partnership, {Role.AGENCY_USER})


def can_chase_returns(user: User, partnership: Partnership | None) -> bool:
    return has_any_role(user, partnership, BUSINESS_UNIT)


def can_view_master_chronology(user: User, case) -> bool:
    """Merges every agency's entries, so never for agency users as such; the reviewer of
    the case's LCSPR reads it."""
    return can_read_review_papers(user, case) or is_case_reviewer(user, case)


def can_get_chronology_template(user: User, partnership: Partnership | None) -> bool:
    """The blank chronology spreadsheet: any agency user, and the business unit."""
    return has_any_role(user, partnership, BUSINESS_UNIT | {Role.AGENCY_USER})


def can_view_undelivered_email(user: User, partnership: Partnership | None) -> bool:
    """The business unit sees its partnership's emails that could not be delivered."""
    return has_any_role(user, partnership, BUSINESS_UNIT)


def can_retry_email(user: User, message) -> bool:
    """And asks for one to be tried again (an email with no partnership, such as a password
    reset, is nobody's here)."""
    return message.partnership_id in partnership_ids_with_roles(user, BUSINESS_UNIT)


# Action plans ---------------------------------------------------------------------------
# A plan may start while a local review runs (seed 002's "living action plan") or once the
# case reaches its action plan.
PLAN_STAGES = frozenset({"action_plan", "lcspr", "learning_review", "single_agency_review"})
PLAN_READERS = CASE_READERS | {Role.PARTNER_REPRESENTATIVE}
# The plan and its briefing as documents: the partners sign the plan off at the board; the
# briefing is for every agency's practitioners.
PLAN_DOCUMENT_KINDS = frozenset({"action_plan", "seven_minute_briefing"})


def can_read_action_plan(user: User, case) -> bool:
    """The whole plan: case readers, and the partner representatives who sign it off."""
    return case.stage != "draft" and has_any_role(user, case.partnership, PLAN_READERS)


def can_start_action_plan(user: User, case) -> bool:
    return case.stage in PLAN_STAGES and is_business_unit(user, case.partnership)


def can_manage_action_plan(user: User, plan) -> bool:
    """Writing the plan, reviewing evidence, recording the group and the board: the business
    unit, until the board signs it off."""
    return plan.status != "signed_off" and is_business_unit(user, plan.case.partnership)


def can_view_action(user: User, action, plan) -> bool:
    """An action: the plan's readers, and the agency that owns it (no other agency's)."""
    return (can_read_action_plan(user, plan.case)
            or action.agency_id in agency_ids_of(user, plan.case.partnership))


def can_update_action(user: User, action, plan) -> bool:
    """Progress, status and evidence: only the owning agency, while the plan is open."""
    return (plan.status != "signed_off"
            and action.agency_id in agency_ids_of(user, plan.case.partnership))


def can_list_agency_actions(user: User, partnership: Partnership | None) -> bool:
    return has_any_role(user, partnership, {Role.AGENCY_USER})


def can_give_learning_feedback(user: User, plan) -> bool:
    """Any agency's safeguarding lead in the partnership says how the learning landed."""
    return plan.status != "signed_off" and bool(agency_ids_of(user, plan.case.partnership))
