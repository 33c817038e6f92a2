"""The check the role matrix makes of every GET (and of every refused POST) can fail."""

import pytest
from django.db import connection

from accounts.audit import audit_record
from accounts.models import AuditEvent, Partnership
from tests.factories import PartnershipFactory
from tests.rows import no_rows_written

pytestmark = pytest.mark.django_db


def test_an_insert_an_update_or_a_delete_is_caught_but_an_audit_row_is_not(partnership):
    changes = [PartnershipFactory, partnership.delete]
    if connection.vendor == "postgresql":  # elsewhere only counts of rows are compared
        # An update that changes nothing is still a write.
        changes.append(lambda: Partnership.objects.filter(pk=partnership.pk).update(
            name=partnership.name))
    for change in reversed(changes):
        with pytest.raises(AssertionError, match="accounts_partnership"), \
                no_rows_written("the change"):
            change()
    with no_rows_written("an audit row"):
        audit_record(action=AuditEvent.Action.VIEW, obj=None, partnership=None)
