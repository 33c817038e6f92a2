"""The audit trail: written for sign-in, changes and views; never changed or deleted."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import RequestFactory
from django.urls import reverse
from django.views.generic import DetailView

from accounts import services
from accounts.audit import AuditedRecordMixin, audit_record
from accounts.models import Agency, AuditEvent, Partnership, Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_and_out_are_audited_with_request_id_and_ip(client, make_user):
    user = make_user(Role.BUSINESS_UNIT_OFFICER)
    response = client.post(reverse("accounts:sign-in"),
                           {"username": user.email.upper(), "password": PASSWORD},
                           HTTP_X_REQUEST_ID="req-0123456789", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    signed_in = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN)
    # The request id is the service's own, never the one the client sent.
    assert (signed_in.actor, signed_in.request_id, signed_in.ip_address) == (
        user, response["X-Request-ID"], "10.1.2.3")
    assert len(signed_in.request_id) == 32 and signed_in.request_id != "req-0123456789"

    client.post(reverse("accounts:sign-out"))
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_OUT, actor=user).count() == 1


def test_failed_sign_in_is_audited_without_the_typed_email(client):
    response = client.post(reverse("accounts:sign-in"),
                           {"username": "nobody@test.example", "password": "wrong-password"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert event.actor is None and event.object_id == ""
    assert event.detail == {"known_account": False, "locked_out": False}
    assert "nobody" not in str(AuditEvent.objects.values_list().get())


def test_services_write_an_event_in_the_same_transaction(partnership):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.agency_create(actor=None, name="Rolled Back Agency",
                               sector=Agency.Sector.POLICE, partnerships=[partnership])
        raise RuntimeError("abort")
    assert not AuditEvent.objects.filter(object_type="accounts.agency").exists()

    agency = services.agency_create(actor=None, name="Kept Agency", sector=Agency.Sector.POLICE,
                                    partnerships=[partnership])
    event = AuditEvent.objects.get(object_type="accounts.agency")
    assert (event.action, event.object_id, event.partnership) == (
        AuditEvent.Action.CREATE, str(agency.pk), partnership)


def test_audit_events_cannot_be_changed_or_deleted_by_any_code_path(partnership):
    event = audit_record(action=AuditEvent.Action.VIEW, obj=partnership)
    event.action = AuditEvent.Action.DELETE
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).update(action="delete")
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.all().delete()
    # Below the ORM, the database refuses too.
    for sql in ("UPDATE accounts_auditevent SET action = 'delete'",
                "DELETE FROM accounts_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).action == AuditEvent.Action.VIEW


class PartnershipRecordView(AuditedRecordMixin, DetailView):
    model = Partnership
    template_name = "accounts/partnership_detail.html"


def test_viewing_a_record_through_the_mechanism_writes_a_view_event(partnership, make_user):
    user = make_user(Role.SCRUTINEER)
    request = RequestFactory().get("/")
    request.user = user
    request.partnership = partnership
    PartnershipRecordView.as_view()(request, pk=partnership.pk)
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert (event.actor, event.object_type, event.object_id) == (
        user, "accounts.partnership", str(partnership.pk))


def test_audit_trail_page_lists_only_this_partnerships_events(client, partnership,
                                                              other_partnership, make_user):
    audit_record(action=AuditEvent.Action.CREATE, obj=partnership, detail={"mark": "mine"})
    audit_record(action=AuditEvent.Action.CREATE, obj=other_partnership)
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.get(reverse("dashboards:audit-trail"))
    events = list(response.context["page"])
    assert events and all(e.partnership == partnership for e in events)


def test_admin_shows_the_audit_trail_read_only(admin_client, partnership):
    event = audit_record(action=AuditEvent.Action.VIEW, obj=partnership)
    assert admin_client.get(reverse("admin:accounts_auditevent_changelist")).status_code == 200
    change = admin_client.get(reverse("admin:accounts_auditevent_change", args=[event.pk]))
    assert change.status_code == 200 and b'name="_save"' not in change.content
    assert admin_client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    assert admin_client.post(reverse("admin:accounts_auditevent_delete", args=[event.pk]),
                             {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def _user_change_form(admin_client, user) -> dict:
    """The operations admin's form for the person, as the browser would post it back."""
    form = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk])).context[
        "adminform"].form
    data = {"email": user.email, "full_name": user.full_name, "job_title": "", "phone": "",
            "is_active": "on"}
    assert set(data) - {"job_title", "phone"} <= set(form.fields)
    return data


def _memberships(rows: list[dict], initial: int) -> dict:
    data = {"memberships-TOTAL_FORMS": str(len(rows)),
            "memberships-INITIAL_FORMS": str(initial),
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data.update({f"memberships-{i}-{k}": v for k, v in row.items()})
    return data


def test_roles_given_and_taken_away_in_the_operations_admin_are_audited(
        admin_client, partnership, make_user):
    person = make_user(Role.BUSINESS_UNIT_OFFICER)
    (officer,) = person.memberships.all()
    base = _user_change_form(admin_client, person)
    given = admin_client.post(reverse("admin:accounts_user_change", args=[person.pk]), {
        **base, **_memberships([
            {"id": officer.pk, "user": person.pk, "partnership": partnership.pk,
             "role": Role.BUSINESS_UNIT_OFFICER},
            {"user": person.pk, "partnership": partnership.pk, "role": Role.MANAGER}], 1)})
    assert given.status_code == 302, given.context["errors"] if given.context else given
    manager = person.memberships.get(role=Role.MANAGER)
    created = AuditEvent.objects.get(action=AuditEvent.Action.CREATE,
                                     object_type="accounts.membership",
                                     object_id=str(manager.pk))
    assert created.detail == {"user": person.pk, "role": Role.MANAGER,
                              "via": "operations_admin"}
    assert created.partnership_id == partnership.pk and created.actor.is_superuser

    taken = admin_client.post(reverse("admin:accounts_user_change", args=[person.pk]), {
        **base, **_memberships([
            {"id": officer.pk, "user": person.pk, "partnership": partnership.pk,
             "role": Role.BUSINESS_UNIT_OFFICER},
            {"id": manager.pk, "user": person.pk, "partnership": partnership.pk,
             "role": Role.MANAGER, "DELETE": "on"}], 2)})
    assert taken.status_code == 302
    assert not person.memberships.filter(role=Role.MANAGER).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DELETE,
                                     object_id=str(manager.pk),
                                     detail__via="operations_admin").exists()
