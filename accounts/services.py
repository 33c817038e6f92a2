"""Every change to accounts data goes through these functions, each audited in one transaction:
partnerships, agencies, people and their roles, and the administration of them in the
service (adding and inviting people, giving and removing roles, switching accounts off,
agencies and their named contacts, sharing an agency, the partnership's settings)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from . import rules
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
    """Give a user a role in a partnership. Agency users need an agency that serves it;
    partner representatives the partner they represent."""
    if role not in Role.values:
        raise ValidationError({"role": "Select a role"})
    if role != Role.AGENCY_USER:
        agency = None
    elif agency is None:
        raise ValidationError({"agency": "Select the agency this person works for"})
    if role != Role.PARTNER_REPRESENTATIVE:
        statutory_partner = ""
    elif not statutory_partner:
        raise ValidationError({"statutory_partner": "Select the safeguarding partner this "
                                                    "person represents"})
    if Membership.objects.filter(user=user, partnership=partnership, role=role).exists():
        raise ValidationError({"role": f"{user.full_name} is already "
                                       f"{_with_article(Role(role).label)} here"})
    membership = Membership(user=user, partnership=partnership, role=role, agency=agency,
                            statutory_partner=statutory_partner)
    membership.full_clean()
    if role == Role.AGENCY_USER and not agency.partnerships.filter(pk=partnership.pk).exists():
        raise ValidationError({"agency": "Choose an agency that serves this partnership"})
    membership.save()
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=membership,
                 detail={"user": user.pk, "role": role})
    return membership


def _with_article(label: str) -> str:
    return f"{'an' if label[0].lower() in 'aeiou' else 'a'} {label.lower()}"


# --------------------------------------------------------------------------- invitations


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token, with its own salt and a week to use it (a reset link
    lasts 2 hours; a new colleague may not read their email today). Setting a password, or
    signing in, makes the link useless."""

    key_salt = "accounts.services.InvitationTokenGenerator"
    valid_for_s = 7 * 24 * 60 * 60

    def check_token(self, user, token) -> bool:
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - timestamp > self.valid_for_s:
            return False
        return any(constant_time_compare(
            self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks])


invitation_tokens = InvitationTokenGenerator()


def invitation_link(user: User) -> str:
    return settings.SITE_URL + reverse("accounts:invitation-accept", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": invitation_tokens.make_token(user)})


def _email_role_given(*, membership: Membership, dedupe_key: str) -> int:
    """A new person gets a link to set their password (a secret: the outbox forgets it once
    sent); someone who already signs in is told of the new role."""
    from outbox.services import message_queue

    user, partnership = membership.user, membership.partnership
    role = _with_article(membership.get_role_display())
    if user.has_usable_password():
        subject = f"You are now {role} in {partnership.name}"
        body = (f"You have been made {role} in {partnership.name} on Safeguarding Practice "
                f"Reviews.\n\nSign in: {settings.SITE_URL}{reverse('accounts:sign-in')}\n")
    else:
        subject = f"Set up your account for {partnership.name}"
        body = (f"You have been added to Safeguarding Practice Reviews as {role} in "
                f"{partnership.name}.\n\nTo set your password, open this link within 7 "
                f"days:\n{invitation_link(user)}\n\nIf it has expired, ask your "
                "administrator to send the invitation again.\n")
    return message_queue(to=user.email, subject=subject, body=body, kind="invitation",
                         partnership_id=partnership.pk, related={"user": user.pk},
                         dedupe_key=dedupe_key, secret=not user.has_usable_password())


# --------------------------------------------------------------------------- people


@transaction.atomic
def person_add(*, actor: User, partnership: Partnership, email: str, full_name: str,
               role: str, job_title: str = "", phone: str = "", agency: Agency | None = None,
               statutory_partner: str = "") -> tuple[Membership, bool]:
    """Add a person with a role, and email them an invitation (or, if they already have an
    account, tell them of the role; their name and details stay as they are).

    The same form posted twice adds one person and one role: the partnership is locked, and
    the second post finds what the first made (returns it with ``False``)."""
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is None:
        if not full_name.strip():
            raise ValidationError({"full_name": "Enter the person's full name"})
        user = user_create(actor=actor, email=email, full_name=full_name.strip(),
                           job_title=job_title.strip(), phone=phone.strip())
    else:
        existing = (Membership.objects.filter(user=user, partnership=partnership, role=role)
                    .select_related("user", "partnership", "agency").first())
        if existing is not None:
            return existing, False
    membership = membership_grant(actor=actor, user=user, partnership=partnership, role=role,
                                  agency=agency, statutory_partner=statutory_partner)
    _email_role_given(membership=membership, dedupe_key=f"role-given:{membership.pk}")
    return membership, True


@transaction.atomic
def role_give(*, actor: User, person: User, partnership: Partnership, role: str,
              agency: Agency | None = None, statutory_partner: str = "") -> Membership:
    """Another role for someone already in the partnership; they are told by email."""
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    membership = membership_grant(actor=actor, user=person, partnership=partnership,
                                  role=role, agency=agency,
                                  statutory_partner=statutory_partner)
    _email_role_given(membership=membership, dedupe_key=f"role-given:{membership.pk}")
    return membership


@transaction.atomic
def role_remove(*, actor: User, membership: Membership) -> None:
    """Take one role away. An administrator cannot remove their own administrator role (a
    partnership must never be left with nobody to administer it by accident)."""
    membership = (Membership.objects.select_for_update().filter(pk=membership.pk).first())
    if membership is None:  # already removed (the same form posted twice)
        return
    if membership.user_id == actor.pk and membership.role == Role.ADMINISTRATOR:
        raise ValidationError("You cannot remove your own administrator role. Ask another "
                              "administrator to do it")
    audit_record(action=AuditEvent.Action.DELETE, actor=actor, obj=membership,
                 partnership_id=membership.partnership_id,
                 detail={"user": membership.user_id, "role": membership.role})
    membership.delete()


@transaction.atomic
def person_deactivate(*, actor: User, person: User, partnership: Partnership) -> User:
    """Switch the account off: the person can no longer sign in, anywhere, and every session
    they have is over for good (switched on again, they sign in afresh); their roles and
    everything they did stay on record."""
    person = User.objects.select_for_update().get(pk=person.pk)
    if not rules.can_deactivate_person(actor, person, partnership):
        raise ValidationError(
            "You cannot switch off your own account" if person.pk == actor.pk else
            f"{person.full_name} also has roles in partnerships you do not administer. "
            "Remove their roles here instead")
    if person.is_active:
        person.is_active = False
        person.sessions_ended_at = timezone.now()
        person.save(update_fields=["is_active", "sessions_ended_at"])
        audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=person,
                     partnership=partnership, detail={"is_active": False})
    return person


@transaction.atomic
def person_reactivate(*, actor: User, person: User, partnership: Partnership) -> User:
    person = User.objects.select_for_update().get(pk=person.pk)
    if not rules.can_deactivate_person(actor, person, partnership):
        raise ValidationError(f"{person.full_name} also has roles in partnerships you do not "
                              "administer. Ask an administrator of each of them")
    if not person.is_active:
        person.is_active = True
        person.save(update_fields=["is_active"])
        audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=person,
                     partnership=partnership, detail={"is_active": True})
    return person


@transaction.atomic
def invitation_send_again(*, actor: User, person: User, partnership: Partnership) -> bool:
    """A fresh link for someone who has not set a password yet: at most once a day (so a
    double click sends one). Returns whether one was sent."""
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.has_usable_password():
        raise ValidationError(f"{person.full_name} has already set a password. They can "
                              "reset it from the sign-in page")
    if not person.is_active:
        raise ValidationError(f"{person.full_name}'s account is switched off. Reactivate it "
                              "first")
    membership = (Membership.objects.filter(user=person, partnership=partnership)
                  .select_related("user", "partnership").order_by("created_at", "pk").first())
    sent = _email_role_given(
        membership=membership,
        dedupe_key=f"invitation:{person.pk}:{timezone.localdate().isoformat()}") > 0
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=person,
                 partnership=partnership, detail={"invitation_sent": True})
    return sent


# --------------------------------------------------------------------------- agencies

AGENCY_FIELDS = ("name", "sector", "email", "phone", "contact_name", "contact_email")


@transaction.atomic
def agency_save(*, actor: User, partnership: Partnership, agency: Agency | None = None,
                name: str, sector: str, email: str = "", phone: str = "",
                contact_name: str = "", contact_email: str = "") -> Agency:
    """Add an agency to the partnership's directory, or change one it has. An agency is
    one record however many partnerships it serves, so a change shows in all of them."""
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    values = {"name": name.strip(), "sector": sector, "email": email.strip().lower(),
              "phone": phone.strip(), "contact_name": contact_name.strip(),
              "contact_email": contact_email.strip().lower()}
    same_name = Agency.objects.filter(name__iexact=values["name"])
    if agency is not None:
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        same_name = same_name.exclude(pk=agency.pk)
    clash = same_name.first()
    if clash is not None:
        if clash.partnerships.filter(pk=partnership.pk).exists():
            raise ValidationError({"name": f"{clash.name} is already in the directory"})
        raise ValidationError({"name": f"There is already an agency called {clash.name} in "
                                       "the service. Ask an administrator of a partnership "
                                       "it serves to share it with yours"})
    created = agency is None
    if created:
        agency = Agency(**values)
        changed = list(AGENCY_FIELDS)
    else:
        changed = [f for f in AGENCY_FIELDS if getattr(agency, f) != values[f]]
        for field in changed:
            setattr(agency, field, values[field])
    agency.full_clean()
    agency.save()
    if created:
        agency.partnerships.add(partnership)
    if created or changed:
        audit_record(action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
                     actor=actor, obj=agency, partnership=partnership,
                     detail={"changed": changed})
    return agency


@transaction.atomic
def agency_share(*, actor: User, agency: Agency, partnership: Partnership) -> bool:
    """The agency serves ``partnership`` too, keeping every partnership it served (the
    agency row is locked, so two shares at once both stay). Returns whether it was new."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if not rules.can_share_agency(actor, agency, partnership):
        raise ValidationError({"partnership": "Select a partnership you administer"})
    if agency.partnerships.filter(pk=partnership.pk).exists():
        return False
    agency.partnerships.add(partnership)
    for owner in agency.partnerships.all():
        audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=agency,
                     partnership=owner, detail={"shared_with": partnership.pk})
    return True


# --------------------------------------------------------------------------- settings

SETTINGS_FIELDS = ("triage_needs_executive_approval", "rapid_review_endorsement",
                   "letter_signatory_name", "letter_signatory_role", "reminder_digest")


@transaction.atomic
def partnership_settings_save(*, actor: User, partnership: Partnership,
                              triage_needs_executive_approval: bool,
                              rapid_review_endorsement: str, letter_signatory_name: str = "",
                              letter_signatory_role: str = "",
                              reminder_digest: bool | None = None) -> Partnership:
    """Executive approval of triage, endorsement of the signed rapid review, who signs
    the partnership's letters, and whether reminders come as one daily digest a person.
    Each applies from now on, to running cases too (the digest from the next sweep)."""
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    values = {"triage_needs_executive_approval": triage_needs_executive_approval,
              "rapid_review_endorsement": rapid_review_endorsement,
              "letter_signatory_name": letter_signatory_name.strip(),
              "letter_signatory_role": letter_signatory_role.strip(),
              "reminder_digest": partnership.reminder_digest if reminder_digest is None
              else reminder_digest}
    if bool(values["letter_signatory_name"]) != bool(values["letter_signatory_role"]):
        missing = ("letter_signatory_role" if values["letter_signatory_name"]
                   else "letter_signatory_name")
        raise ValidationError({missing: "Enter the name and the role of the person who signs "
                                        "the partnership's letters, or neither"})
    changed = [f for f in SETTINGS_FIELDS if getattr(partnership, f) != values[f]]
    for field in changed:
        setattr(partnership, field, values[field])
    partnership.full_clean()
    if changed:
        partnership.save(update_fields=changed)
        audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=partnership,
                     detail={"changed": changed})
    return partnership
