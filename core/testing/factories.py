from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from access.models import RoleAssignment
from accounts.models import User
from organisations.models import AcademicYear, AssociationMembership, Organisation, Site, Term
from people.models import Contact, Group, GroupMembership, Pupil, PupilContact, StaffMember

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    # Plain numbered names: realistic random names ("Bennett", "Rory") collide with assertions on persona names.
    full_name = factory.Sequence(lambda n: f"Staff Member{n}")
    password = factory.django.Password(TEST_PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"School {n}")
    slug = factory.Sequence(lambda n: f"school-{n}")
    kind = Organisation.Kind.SCHOOL
    phase = Organisation.Phase.SENIOR


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Site {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssociationMembership

    organisation = factory.SubFactory(OrganisationFactory)
    association = "HMC"
    starts_on = datetime.date(2000, 1, 1)


class AcademicYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcademicYear
        django_get_or_create = ("name",)

    name = "2026-27"
    starts_on = datetime.date(2026, 9, 1)
    ends_on = datetime.date(2027, 8, 31)


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    organisation = factory.SubFactory(OrganisationFactory)
    academic_year = factory.SubFactory(AcademicYearFactory)
    kind = Term.Kind.AUTUMN
    starts_on = datetime.date(2026, 9, 3)
    ends_on = datetime.date(2026, 12, 18)


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil

    organisation = factory.SubFactory(OrganisationFactory)
    mis_id = factory.Sequence(lambda n: f"P{n:06d}")
    legal_first_name = factory.Sequence(lambda n: f"Firstname{n}")
    legal_last_name = factory.Sequence(lambda n: f"Lastname{n}")
    date_of_birth = datetime.date(2012, 5, 1)
    year_group = 9


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = factory.Sequence(lambda n: f"Carerfirst{n}")
    last_name = factory.Sequence(lambda n: f"Carerlast{n}")
    email = factory.Sequence(lambda n: f"parent{n}@example.test")
    mobile = "07700 900123"


class PupilContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PupilContact

    pupil = factory.SubFactory(PupilFactory)
    organisation = factory.SelfAttribute("pupil.organisation")
    contact = factory.SubFactory(ContactFactory, organisation=factory.SelfAttribute("..pupil.organisation"))
    relationship = PupilContact.Relationship.MOTHER


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    organisation = factory.SubFactory(OrganisationFactory)
    kind = Group.Kind.TUTOR
    name = factory.Sequence(lambda n: f"9X{n}")
    year_group = 9


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(GroupFactory)
    pupil = factory.SubFactory(PupilFactory, organisation=factory.SelfAttribute("..group.organisation"))
    organisation = factory.SelfAttribute("group.organisation")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    first_name = factory.Sequence(lambda n: f"Stafffirst{n}")
    last_name = factory.Sequence(lambda n: f"Stafflast{n}")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = "senior_leader"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))
