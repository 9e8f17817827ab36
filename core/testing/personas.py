"""The people every test tells stories about, built by a test module's `world` fixture: once for the module with
`core.testing.world.shared_world()`, or afresh for each test (docs/architecture.md, "Tests").

Oakfield School (the school) and Riverside School (the outsider's). In Oakfield:
- Tess the tutor of 9A; Hugo, head of year 9; Hana, head of year 10; Paul the PAL with 9A and 10A on his caseload;
- Dee the DSL, Sam the SENCO, Sue the senior leader, Adam the school administrator, Otto the attendance officer,
  Cara the CPD coordinator;
- pupils: Alice and Ben in 9A, Cleo in 9B, Dan in 10A.
In Riverside: Olive, a senior leader who must see nothing of Oakfield; Rory, a pupil there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.permissions import forget_access
from access.roles import Role
from core.testing.factories import (
    GroupFactory,
    GroupMembershipFactory,
    OrganisationFactory,
    PupilContactFactory,
    PupilFactory,
    RoleFactory,
    StaffMemberFactory,
    UserFactory,
)


@dataclass
class SchoolWorld:
    school: Any
    other_school: Any
    group_9a: Any
    group_9b: Any
    group_10a: Any
    alice: Any
    ben: Any
    cleo: Any
    dan: Any
    rory: Any
    tutor: Any
    head_of_year9: Any
    head_of_year10: Any
    pal: Any
    dsl: Any
    senco: Any
    senior: Any
    admin: Any
    attendance_officer: Any
    cpd_coordinator: Any
    outsider: Any
    other_admin: Any


def _staff(org: Any, email: str, name: str, role: str, **scope: Any) -> Any:
    user = UserFactory(email=email, full_name=name)
    StaffMemberFactory(organisation=org, user=user, first_name=name.split()[0], last_name=name.split()[-1])
    RoleFactory(organisation=org, user=user, role=role, **scope)
    return user


def build_school_world() -> SchoolWorld:
    school = OrganisationFactory(name="Oakfield School", slug="oakfield")
    other = OrganisationFactory(name="Riverside School", slug="riverside")
    g9a = GroupFactory(organisation=school, name="9A", year_group=9)
    g9b = GroupFactory(organisation=school, name="9B", year_group=9)
    g10a = GroupFactory(organisation=school, name="10A", year_group=10)
    alice = PupilFactory(
        organisation=school,
        legal_first_name="Alice",
        legal_last_name="Archer",
        year_group=9,
        upn="A123456789012",
    )
    ben = PupilFactory(organisation=school, legal_first_name="Ben", legal_last_name="Baker", year_group=9)
    cleo = PupilFactory(organisation=school, legal_first_name="Cleo", legal_last_name="Cole", year_group=9)
    dan = PupilFactory(organisation=school, legal_first_name="Dan", legal_last_name="Dyer", year_group=10)
    rory = PupilFactory(organisation=other, legal_first_name="Rory", legal_last_name="Reed", year_group=9)
    for group, pupil in [(g9a, alice), (g9a, ben), (g9b, cleo), (g10a, dan)]:
        GroupMembershipFactory(group=group, pupil=pupil)
    PupilContactFactory(pupil=alice, contact__first_name="Mary", contact__last_name="Archer")
    return SchoolWorld(
        school=school,
        other_school=other,
        group_9a=g9a,
        group_9b=g9b,
        group_10a=g10a,
        alice=alice,
        ben=ben,
        cleo=cleo,
        dan=dan,
        rory=rory,
        tutor=_staff(school, "tess@oakfield.test", "Tess Tutor", Role.TUTOR, group=g9a),
        head_of_year9=_staff(school, "hugo@oakfield.test", "Hugo Head", Role.HEAD_OF_YEAR, year_group=9),
        head_of_year10=_staff(school, "hana@oakfield.test", "Hana Head", Role.HEAD_OF_YEAR, year_group=10),
        pal=_pal(school, g9a, g10a),
        dsl=_staff(school, "dee@oakfield.test", "Dee Lead", Role.DSL),
        senco=_staff(school, "sam@oakfield.test", "Sam Senco", Role.SENCO),
        senior=_staff(school, "sue@oakfield.test", "Sue Senior", Role.SENIOR_LEADER),
        admin=_staff(school, "adam@oakfield.test", "Adam Admin", Role.SCHOOL_ADMIN),
        attendance_officer=_staff(school, "otto@oakfield.test", "Otto Officer", Role.ATTENDANCE_OFFICER),
        cpd_coordinator=_staff(school, "cara@oakfield.test", "Cara Coordinator", Role.CPD_COORDINATOR),
        outsider=_staff(other, "olive@riverside.test", "Olive Outsider", Role.SENIOR_LEADER),
        other_admin=_staff(other, "oscar@riverside.test", "Oscar Admin", Role.SCHOOL_ADMIN),
    )


@dataclass
class GroupOfSchools:
    """Vale Trust, a group of schools, with its member schools; the trust's senior leader (who reaches every
    member) and the first school's own senior leader."""

    trust: Any
    schools: list[Any]
    leader: Any
    head: Any

    def pages(self, url: str) -> tuple[str, str]:
        """The page at `url` as the trust's leader sees it (on the trust), and as the first school's head does."""
        return (
            client_for(self.leader).get(url).content.decode(),
            client_for(self.head).get(url).content.decode(),
        )


def build_group_of_schools(*names: str) -> GroupOfSchools:
    """Vale Trust with a member school for each of `names` ("North School", … : the first word makes the slug)."""
    trust = OrganisationFactory(name="Vale Trust", slug="vale", kind="group")
    schools = [OrganisationFactory(name=name, slug=name.split()[0].lower(), parent=trust) for name in names]
    leader, head = UserFactory(), UserFactory()
    RoleFactory(organisation=trust, user=leader, role=Role.SENIOR_LEADER)
    RoleFactory(organisation=schools[0], user=head, role=Role.SENIOR_LEADER)
    return GroupOfSchools(trust=trust, schools=schools, leader=leader, head=head)


def _pal(school: Any, *groups: Any) -> Any:
    user = _staff(school, "paul@oakfield.test", "Paul Pal", Role.PAL, group=groups[0])
    for group in groups[1:]:
        RoleFactory(organisation=school, user=user, role=Role.PAL, group=group)
    return user


def client_for(user: Any) -> Client:
    """A test client signed in as `user`, second factor verified (as after a real sign-in)."""
    forget_access(user)
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
