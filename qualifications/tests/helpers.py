"""A qualifications world for tests: the provider with the three documents loaded, clusters, and
Oakfield (an HMC school) from the foundation personas with a CPD coordinator, staff and mentors."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from access.roles import Role
from core.testing.factories import (
    MembershipFactory,
    OrganisationFactory,
    RoleFactory,
    StaffMemberFactory,
    UserFactory,
)
from core.testing.personas import SchoolWorld, build_school_world
from organisations.models import Organisation
from qualifications import services
from qualifications.models import Cluster, Edition, SafeguardingTraining, TrainingDay

# Dates move with the real date: views use today, so a pinned date rots (a first training day "ahead" passes).
TODAY = timezone.localdate()
FIRST_DAY = TODAY + datetime.timedelta(days=10)  # every cluster() here trains first ten days from today
FIRST_DAY_STARTS_AT = timezone.make_aware(datetime.datetime.combine(FIRST_DAY, datetime.time(9, 30)))


@dataclass
class QualWorld:
    school: SchoolWorld
    provider: Any
    university: Any
    plq: Edition
    plqj: Edition
    isqam: Edition
    admin: Any
    facilitator: Any
    coordinator: Any
    staff: list[Any]
    mentor: Any
    plq_l1: Cluster
    plq_l2: Cluster
    isqam_online: Cluster
    isqam_original: Cluster
    isqam_l2: Cluster
    plqj_l1: Cluster


def staff_user(org: Any, email: str, name: str) -> Any:
    user = UserFactory(email=email, full_name=name)
    StaffMemberFactory(organisation=org, user=user, first_name=name.split()[0], last_name=name.split()[-1])
    return user


def cluster(edition: Edition, level: int, name: str, model: str = "original", capacity: int = 12) -> Cluster:
    c = services.cluster_create(
        actor=None,
        edition=edition,
        name=name,
        level=edition.levels.get(number=level),
        delivery_model=model,
        venue="" if model != "original" else "Oundle School",
        online_link="https://meet.example.org/x" if model != "original" else "",
        capacity=capacity,
    )
    TrainingDay.objects.create(
        organisation=edition.organisation,
        cluster=c,
        term="autumn",
        starts_at=FIRST_DAY_STARTS_AT,
        ends_at=timezone.make_aware(datetime.datetime.combine(FIRST_DAY, datetime.time(16, 0))),
    ).modules.set(edition.levels.get(number=level).modules.all()[:2])
    return c


def safeguarded(school: Any, user: Any) -> SafeguardingTraining:
    return SafeguardingTraining.objects.create(
        organisation=school,
        person=user,
        completed_on=datetime.date(2025, 9, 1),
        level="level_2",
        evidence="LSCP certificate 123",
    )


def current_academic_year(on: datetime.date = TODAY) -> Any:
    """The academic year (1 September to 31 August) that holds `on`."""
    start = on.year if on.month >= 9 else on.year - 1
    return services.academic_year_named(f"{start}-{(start + 1) % 100:02d}")


def build_qual_world(*, as_loaded: bool = False) -> QualWorld:
    """The world; its three editions are moved into the current academic year so that they stay open for bookings
    whatever day the suite runs (an edition whose year has ended is closed). `as_loaded` keeps the documents' own
    years (2022-23, 2025-26, 2023-24)."""
    sw = build_school_world()
    MembershipFactory(organisation=sw.school, association="HMC")
    provider = OrganisationFactory(
        name="HMC Professional Development", slug="hmc-pd", kind=Organisation.Kind.PROVIDER
    )
    university = OrganisationFactory(
        name="UCL Institute of Education", slug="ucl", kind=Organisation.Kind.UNIVERSITY
    )
    plq, plqj, isqam = services.programmes_load_all(provider=provider, university=university)
    if not as_loaded:
        year = current_academic_year()
        Edition.objects.filter(pk__in=[plq.pk, plqj.pk, isqam.pk]).update(academic_year=year)
        for edition in (plq, plqj, isqam):
            edition.refresh_from_db()
    admin = staff_user(provider, "helen@hmcpd.test", "Helen Admin")
    RoleFactory(organisation=provider, user=admin, role=Role.PROGRAMME_ADMIN)
    facilitator = staff_user(provider, "rachel@hmcpd.test", "Rachel Facilitator")
    RoleFactory(organisation=provider, user=facilitator, role=Role.FACILITATOR)
    staff = [staff_user(sw.school, f"teacher{i}@oakfield.test", f"Teacher{i} Oak") for i in range(1, 5)]
    mentor = staff_user(sw.school, "mona@oakfield.test", "Mona Mentor")
    w = QualWorld(
        school=sw,
        provider=provider,
        university=university,
        plq=plq,
        plqj=plqj,
        isqam=isqam,
        admin=admin,
        facilitator=facilitator,
        coordinator=sw.cpd_coordinator,
        staff=staff,
        mentor=mentor,
        plq_l1=cluster(plq, 1, "PLQ L1 Oundle"),
        plq_l2=cluster(plq, 2, "PLQ L2 Oundle"),
        isqam_online=cluster(isqam, 1, "ISQAM L1 Online", "online"),
        isqam_original=cluster(isqam, 1, "ISQAM L1 Oundle"),
        isqam_l2=cluster(isqam, 2, "ISQAM L2 Online", "online"),
        plqj_l1=cluster(plqj, 1, "PLQJ L1 Oundle"),
    )
    services.facilitator_assign(
        actor=admin, cluster=w.plq_l1, module=plq.modules.get(number=1), facilitator=facilitator
    )
    return w


def book(
    w: QualWorld,
    cluster: Cluster,
    participants: list[Any],
    school: Any = None,
    on: datetime.date = TODAY,
    **kw: Any,
):
    school = school or w.school.school
    places = [
        services.PlaceRequest(participant=p, mentor=kw.pop("mentor", w.mentor), **kw) for p in participants
    ]
    return services.booking_create(actor=w.coordinator, cluster=cluster, school=school, places=places, on=on)
