"""Test data. Names come from Faker's en_GB provider; nothing here is a real person."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import Agency, Membership, Partnership, Role, StatutoryPartner, User

PASSWORD = "correct-horse-battery-staple"


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Testshire {n} Safeguarding Children Partnership")
    code = factory.Sequence(lambda n: f"T{n:03d}")
    local_authority = factory.Sequence(lambda n: f"Testshire {n} Council")


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test Agency {n}")
    sector = Agency.Sector.HEALTH_PROVIDER

    @factory.post_generation
    def partnerships(self, create, extracted, **kwargs):
        if create and extracted:
            self.partnerships.set(extracted)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@test.example")
    full_name = factory.Faker("name", locale="en_GB")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    role = Role.BUSINESS_UNIT_OFFICER

    @factory.lazy_attribute
    def agency(self):
        if self.role != Role.AGENCY_USER:
            return None
        return AgencyFactory(partnerships=[self.partnership])

    statutory_partner = factory.LazyAttribute(
        lambda m: StatutoryPartner.LOCAL_AUTHORITY if m.role == Role.PARTNER_REPRESENTATIVE else ""
    )


def user_with_role(partnership: Partnership, role: str, **kwargs) -> User:
    return MembershipFactory(partnership=partnership, role=role, **kwargs).user
