"""The database enforces the shape of memberships."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts import services
from accounts.models import Membership, Role, StatutoryPartner
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_agency_user_needs_an_agency_and_others_must_not_have_one(partnership):
    user = UserFactory()
    agency = AgencyFactory(partnerships=[partnership])
    for kwargs in ({"role": Role.AGENCY_USER},
                   {"role": Role.BUSINESS_UNIT_OFFICER, "agency": agency}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(user=user, partnership=partnership, **kwargs)


def test_partner_representative_needs_a_statutory_partner(partnership):
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, partnership=partnership,
                                  role=Role.PARTNER_REPRESENTATIVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, partnership=partnership, role=Role.MANAGER,
                                  statutory_partner=StatutoryPartner.POLICE)


def test_membership_grant_refuses_an_agency_from_another_partnership(partnership,
                                                                     other_partnership):
    foreign = AgencyFactory(partnerships=[other_partnership])
    with pytest.raises(ValidationError, match="serves this partnership"):
        services.membership_grant(actor=None, user=UserFactory(), partnership=partnership,
                                  role=Role.AGENCY_USER, agency=foreign)


def test_a_user_may_hold_several_roles(partnership):
    user = UserFactory()
    for role in (Role.BUSINESS_MANAGER, Role.SCRUTINEER):
        services.membership_grant(actor=None, user=user, partnership=partnership, role=role)
    assert set(user.memberships.values_list("role", flat=True)) == {
        Role.BUSINESS_MANAGER, Role.SCRUTINEER}
    with pytest.raises(ValidationError):
        services.membership_grant(actor=None, user=user, partnership=partnership,
                                  role=Role.SCRUTINEER)
