"""People, partnerships, agencies, the roles that join them, and the audit trail."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import PermissionDenied
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("Enter an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their work email address."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can use the operations admin site.")
    date_joined = models.DateTimeField(default=timezone.now)
    # Sessions begun before this are over, even once the account is switched on again
    # (accounts/session_limits.py).
    sessions_ended_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Partnership(models.Model):
    """A local safeguarding children partnership; every case belongs to exactly one."""

    name = models.CharField(max_length=200, unique=True)
    code = models.CharField(
        max_length=12,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z][A-Z0-9]{1,11}$", "Use 2 to 12 capital letters or digits")
        ],
        help_text="Short code used in case references, for example DEMO in DEMO-2026-007.",
    )
    local_authority = models.CharField(max_length=200)
    triage_needs_executive_approval = models.BooleanField(
        default=False,
        help_text="The review group's triage decision is a recommendation that an executive "
                  "group (e.g. an Assurance Executive) approves")
    rapid_review_endorsement = models.CharField(
        max_length=20, blank=True,
        choices=[("executive", "Executive group"), ("independent_chair", "Independent chair")],
        help_text="Who must endorse the signed rapid review before it goes to the Panel, if "
                  "anyone (for example an Assurance Executive, or an independent chair)")
    # Who signs the partnership's letters (the covering letter to the Panel among them).
    letter_signatory_name = models.CharField(max_length=200, blank=True)
    letter_signatory_role = models.CharField(max_length=200, blank=True)
    reminder_digest = models.BooleanField(
        default=False,
        help_text="Each person gets one email a sweep listing all their deadline reminders, "
                  "rather than one email for each reminder")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """An organisation that works with children; one agency may serve several partnerships."""

    class Sector(models.TextChoices):
        LA_CHILDRENS_SERVICES = "la_childrens_services", "Local authority children's services"
        POLICE = "police", "Police"
        ICB = "icb", "ICB / health commissioner"
        HEALTH_PROVIDER = "health_provider", "Health provider"
        EDUCATION = "education", "Education"
        PROBATION = "probation", "Probation"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    sector = models.CharField(max_length=40, choices=Sector.choices)
    partnerships = models.ManyToManyField(Partnership, related_name="agencies", blank=True)
    email = models.EmailField(blank=True, help_text="Shared safeguarding mailbox")
    phone = models.CharField(max_length=40, blank=True)
    # The named contact (usually the safeguarding lead officer) information requests go to.
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    @property
    def has_named_contact(self) -> bool:
        return bool(self.contact_name and self.contact_email)


class Role(models.TextChoices):
    BUSINESS_UNIT_OFFICER = "business_unit_officer", "Business unit officer"
    BUSINESS_MANAGER = "business_manager", "Business manager"
    AGENCY_USER = "agency_user", "Agency user"
    PARTNER_REPRESENTATIVE = "partner_representative", "Safeguarding partner representative"
    MANAGER = "manager", "Manager"
    REVIEWER = "reviewer", "Reviewer"
    SCRUTINEER = "scrutineer", "Scrutineer"
    ADMINISTRATOR = "administrator", "Administrator"


class StatutoryPartner(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    POLICE = "police", "Police"
    ICB = "icb", "Integrated Care Board"


class Membership(models.Model):
    """One role a user holds in one partnership (a user may hold several)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=40, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    statutory_partner = models.CharField(
        max_length=20, choices=StatutoryPartner.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partnership__name", "role"]
        constraints = [
            models.CheckConstraint(
                name="membership_agency_only_for_agency_users",
                condition=(Q(role=Role.AGENCY_USER, agency__isnull=False)
                           | (~Q(role=Role.AGENCY_USER) & Q(agency__isnull=True))),
            ),
            models.CheckConstraint(
                name="membership_partner_only_for_representatives",
                condition=(
                    (Q(role=Role.PARTNER_REPRESENTATIVE) & ~Q(statutory_partner=""))
                    | (~Q(role=Role.PARTNER_REPRESENTATIVE) & Q(statutory_partner=""))
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "partnership", "role"],
                name="membership_one_role_once_per_partnership",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "role"])]

    def __str__(self) -> str:
        detail = self.agency or self.get_statutory_partner_display()
        return f"{self.get_role_display()}{f' ({detail})' if detail else ''}, {self.partnership}"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("The audit trail is append-only.")

    def delete(self):
        raise PermissionDenied("The audit trail is append-only.")


class AuditEvent(models.Model):
    """Append-only record of who did what to which object. Ids only, never personal details.

    The database refuses UPDATE and DELETE too (trigger in migration 0002).
    """

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_OUT = "sign_out", "Signed out"
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        VIEW = "view", "Viewed"
        DOWNLOAD = "download", "Downloaded"
        REFUSED = "refused", "Refused access"
        PASSWORD_RESET = "password_reset", "Asked for a password reset"

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=40, choices=Action.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["partnership", "-occurred_at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        when = f"{self.occurred_at:%Y-%m-%d %H:%M}"
        return f"{when} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionDenied("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The audit trail is append-only.")


class RecordChange(models.Model):
    """What a record that matters (``HISTORY_TABLES``) was before a change or a deletion,
    and who made it. Written by the database, by a trigger on those tables, so bulk updates
    and deletions are caught too; PostgreSQL only (migration 0009). The application may only
    read it, and nobody can change, delete or truncate it (the audit trail's triggers)."""

    class Operation(models.TextChoices):
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"

    occurred_at = models.DateTimeField(db_index=True)
    table_name = models.CharField(max_length=63)
    object_id = models.CharField(max_length=64)
    operation = models.CharField(max_length=10, choices=Operation.choices)
    # Changed columns only (an update), or the whole row (a deletion); ``after`` for updates.
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    request_id = models.CharField(max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()  # append-only, as the audit trail

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["table_name", "object_id", "-occurred_at"])]

    def __str__(self) -> str:
        when = f"{self.occurred_at:%Y-%m-%d %H:%M}"
        return f"{when} {self.operation} {self.table_name}#{self.object_id}"

    def save(self, *args, **kwargs):
        raise PermissionDenied("Record history is written by the database only.")

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Record history is append-only.")
