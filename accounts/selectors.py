"""Reads for accounts, already scoped to the user asking."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from . import rules
from .models import Agency, AuditEvent, Membership, Partnership, RecordChange, User


def current_partnership(*, user: User, chosen_id: int | None) -> Partnership | None:
    """The partnership the user works in now: their choice if still a member, else the first."""
    partnerships = {m.partnership_id: m.partnership for m in rules.memberships_of(user)}
    if chosen_id in partnerships:
        return partnerships[chosen_id]
    if partnerships:
        return sorted(partnerships.values(), key=lambda p: p.name)[0]
    return None


def partnerships_visible_to(user: User) -> QuerySet[Partnership]:
    return Partnership.objects.filter(pk__in=rules.partnership_ids_with_roles(user))


def agencies_visible_to(user: User, partnership: Partnership) -> QuerySet[Agency]:
    """The partnership's agency directory, or only the user's own agency for agency users."""
    if rules.can_view_agency_directory(user, partnership):
        return partnership.agencies.all()
    return Agency.objects.filter(pk__in=rules.agency_ids_of(user, partnership))


def people_visible_to(user: User, partnership: Partnership) -> QuerySet[User]:
    """People with a role in the partnership, each with ``roles_here`` (their roles in it,
    in one more query per page). Administrators see switched-off accounts too."""
    if not rules.can_view_people(user, partnership):
        return User.objects.none()
    people = User.objects.filter(
        pk__in=Membership.objects.filter(partnership=partnership).values("user_id"))
    if not rules.can_manage_people(user, partnership):
        people = people.filter(is_active=True)
    here = (Membership.objects.filter(partnership=partnership).select_related("agency")
            .order_by("role", "pk"))
    return (people.prefetch_related(Prefetch("memberships", queryset=here,
                                             to_attr="roles_here"))
            .order_by("full_name", "pk"))


def person_to_administer(user: User, partnership: Partnership, pk: int) -> User | None:
    """One person of the partnership, for its administrator, with all their roles (in any
    partnership: switching an account off depends on them)."""
    if not rules.can_manage_people(user, partnership):
        return None
    person = (User.objects.filter(pk=pk, memberships__partnership=partnership)
              .prefetch_related(Prefetch("memberships", queryset=Membership.objects
                                         .select_related("agency", "partnership")
                                         .order_by("partnership__name", "role", "pk")))
              .first())
    if person is not None:
        person.roles_here = [m for m in person.memberships.all()
                             if m.partnership_id == partnership.pk]
    return person


def partnerships_administered_by(user: User) -> QuerySet[Partnership]:
    return Partnership.objects.filter(
        pk__in=rules.partnership_ids_with_roles(user, rules.ADMINISTRATORS)).order_by("name")


def agency_share_targets(user: User, agency: Agency) -> QuerySet[Partnership]:
    """Partnerships the user administers that the agency does not serve yet."""
    return partnerships_administered_by(user).exclude(agencies=agency)


def record_changes_of(obj: models.Model) -> QuerySet[RecordChange]:
    """Who changed a record that keeps history, and what it was before, newest first.
    For operations and investigations, not a page; empty on SQLite (no trigger)."""
    return RecordChange.objects.filter(
        table_name=obj._meta.db_table, object_id=str(obj.pk)).select_related("actor")


# The records of a case that keep row history (accounts migration 0009), and the path
# from each to its case.
CASE_HISTORY = [
    ("cases.Case", "pk"), ("cases.Child", "case"), ("cases.Referral", "case"),
    ("rapid_review.ReviewReport", "review__case"),
    ("rapid_review.PartnerSignature", "version__report__review__case"),
    ("lcspr.OverviewReport", "lcspr__case"),
    ("actionplans.Action", "recommendation__plan__case"),
]


def record_changes_of_case(user: User, case) -> QuerySet[RecordChange]:
    """Every change to the case's records that keep history, newest first, in one query:
    the case, its child and referral, its reports, signatures and actions; a child or a
    referral since deleted too (its row, kept whole, names the case). Empty for anyone who
    may not read the audit trail."""
    from django.apps import apps
    from django.db.models import CharField, Q
    from django.db.models.functions import Cast

    if not rules.can_view_audit_trail(user, case.partnership):
        return RecordChange.objects.none()
    which = Q()
    for label, path in CASE_HISTORY:
        model = apps.get_model(label)
        ids = model.objects.filter(**{path: case.pk}).annotate(
            as_text=Cast("pk", CharField())).values("as_text")
        which |= Q(table_name=model._meta.db_table, object_id__in=ids)
        if path == "case":  # and those deleted since, found by the row each left
            deleted = RecordChange.objects.filter(
                table_name=model._meta.db_table, operation=RecordChange.Operation.DELETE,
                before__case_id=case.pk).values("object_id")
            which |= Q(table_name=model._meta.db_table, object_id__in=deleted)
    return RecordChange.objects.filter(which).select_related("actor")


def audit_events_visible_to(user: User, partnership: Partnership) -> QuerySet[AuditEvent]:
    if not rules.can_view_audit_trail(user, partnership):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(partnership=partnership).select_related("actor")


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str

    @property
    def href(self) -> str:
        return reverse(self.url_name)


def navigation_for(user: User, partnership: Partnership | None) -> list[NavItem]:
    """Service navigation: only what the user's roles in this partnership allow."""
    if partnership is None:
        return []
    items = [NavItem("Home", "dashboards:home")]
    # The overdue dashboard (issue 14): who oversees cases, and an agency's own late work.
    if rules.can_view_partnership_deadlines(user, partnership):
        items.append(NavItem("Late and due soon", "dashboards:overdue"))
    elif rules.can_list_agency_requests(user, partnership):
        items.append(NavItem("Late and due soon", "dashboards:overdue-agency"))
    if rules.can_refer_incident(user, partnership):
        items.append(NavItem("Refer an incident", "cases:referral-start"))
        items.append(NavItem("Your referrals", "cases:my-referrals"))
    if rules.can_list_agency_requests(user, partnership):
        items.append(NavItem("Information requests", "rapid_review:agency-requests"))
    if rules.has_any_role(user, partnership, rules.BUSINESS_UNIT):
        items.append(NavItem("Referrals", "cases:referral-inbox"))
    if rules.can_chase_returns(user, partnership):
        items.append(NavItem("Returns to chase", "rapid_review:chase-list"))
    if rules.can_view_partnership_deadlines(user, partnership):
        items.append(NavItem("Cases", "cases:case-list"))
        items.append(NavItem("Deadlines", "calendars:deadlines"))
    if rules.can_list_review_papers(user, partnership):
        items.append(NavItem("Rapid reviews", "rapid_review:papers"))
    if rules.can_view_calendar(user, partnership):
        items.append(NavItem("Calendar", "calendars:calendar"))
    if rules.can_view_agency_directory(user, partnership):
        items.append(NavItem("Agencies", "accounts:agency-list"))
    if rules.can_view_people(user, partnership):
        items.append(NavItem("People", "accounts:people"))
    if rules.can_view_audit_trail(user, partnership):
        items.append(NavItem("Audit trail", "dashboards:audit-trail"))
    if rules.can_view_figures(user, partnership):
        items.append(NavItem("Figures", "dashboards:figures"))
    if rules.can_view_undelivered_email(user, partnership):
        items.append(NavItem("Emails not delivered", "outbox:undelivered"))
    if rules.can_manage_records(user, partnership):
        items.append(NavItem("Records", "records:review"))
    if rules.can_administer(user, partnership):
        items.append(NavItem("Administration", "accounts:administration"))
    return items


def password_reset_requests_from(*, ip_address: str, since: datetime.datetime) -> int:
    """Reset requests let through from one address since ``since`` (accounts/throttling.py)."""
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.PASSWORD_RESET, occurred_at__gte=since,
        ip_address=ip_address, detail__accepted=True).count()


def password_reset_requests_for(*, user: User, since: datetime.datetime) -> int:
    """Reset emails let through to one account since ``since`` (accounts/throttling.py)."""
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.PASSWORD_RESET, occurred_at__gte=since,
        object_type=User._meta.label_lower, object_id=str(user.pk),
        detail__accepted=True).count()
