"""Every change to accounts data goes through these functions, each audited in one transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from .audit import audit_record
from .models import Agency, AuditEvent, Membership, Partnership, Role, User


@transaction.atomic
def partnership_create(*, actor: User | None, name: str, code: str,
                       local_authority: str) -> Partnership:
    partnership = Partnership(name=name, code=code, local_authority=local_authority)
    partnership.full_clean()
    partnership.save()
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=partnership)
    return partnership


@transaction.atomic
def agency_create(*, actor: User | None, name: str, sector: str,
                  partnerships: list[Partnership], email: str = "", phone: str = "") -> Agency:
    agency = Agency(name=name, sector=sector, email=email, phone=phone)
    agency.full_clean()
    agency.save()
    agency.partnerships.set(partnerships)
    for partnership in partnerships:
        audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=agency,
                     partnership=partnership)
    return agency


@transaction.atomic
def user_create(*, actor: User | None, email: str, full_name: str, password: str | None = None,
                job_title: str = "", phone: str = "") -> User:
    user = User.objects.create_user(email=email, password=password, full_name=full_name,
                                    job_title=job_title, phone=phone)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=user)
    return user


@transaction.atomic
def membership_grant(*, actor: User | None, user: User, partnership: Partnership, role: str,
                     agency: Agency | None = None, statutory_partner: str = "") -> Membership:
    """Give a user a role in a partnership. Agency users need an agency that serves it."""
    membership = Membership(user=user, partnership=partnership, role=role, agency=agency,
                            statutory_partner=statutory_partner)
    membership.full_clean()
    if role == Role.AGENCY_USER and not agency.partnerships.filter(pk=partnership.pk).exists():
        raise ValidationError({"agency": "Choose an agency that serves this partnership"})
    membership.save()
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=membership,
                 detail={"user": user.pk, "role": role})
    return membership
