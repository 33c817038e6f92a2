"""Operations admin (superusers only): the outbox read-only, without the emails' text."""

from django.contrib import admin

from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "to", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "reference"]
    fields = ["kind", "to", "subject", "partnership", "reference", "related", "status",
              "attempts", "next_attempt_at", "last_error", "dedupe_key", "created_at",
              "sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
