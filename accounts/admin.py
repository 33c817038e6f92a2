"""Operations admin (superusers only). The audit trail is shown read-only; roles given,
changed or taken away here are audited as the administration pages' are."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone

from .audit import audit_record
from .forms import OperationsSignInForm
from .models import Agency, AuditEvent, Membership, Partnership, User

# Locked out after too many failures like the service's sign-in, and told so (throttling.py).
admin.site.login_form = OperationsSignInForm


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Details", {"fields": ["full_name", "job_title", "phone"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"],
                             "fields": ["email", "full_name", "password1", "password2"]})]
    filter_horizontal = []
    list_filter = ["is_active", "is_staff"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        if change and "is_active" in form.changed_data and not obj.is_active:
            obj.sessions_ended_at = timezone.now()  # as person_deactivate does
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        saved = formset.save(commit=False)
        for membership in formset.deleted_objects:
            _audit_membership(request, AuditEvent.Action.DELETE, membership)
            membership.delete()
        for membership in saved:
            created = membership.pk is None
            membership.save()
            _audit_membership(request, AuditEvent.Action.CREATE if created
                              else AuditEvent.Action.UPDATE, membership)
        formset.save_m2m()
        return saved


def _audit_membership(request, action: str, membership: Membership) -> None:
    audit_record(action=action, actor=request.user, obj=membership,
                 partnership_id=membership.partnership_id,
                 detail={"user": membership.user_id, "role": membership.role,
                         "via": "operations_admin"})


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "local_authority"]
    search_fields = ["name", "code"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "sector"]
    list_filter = ["sector", "partnerships"]
    search_fields = ["name"]
    filter_horizontal = ["partnerships"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "action", "actor", "object_type", "object_id", "partnership"]
    list_filter = ["action", "partnership"]
    search_fields = ["object_id", "request_id"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
