"""The demo builder: this year's editions cloned, clusters, bookings with mentors, demo logins."""

from __future__ import annotations

import datetime
import random

import pytest

from access.roles import Role
from core.testing.factories import (
    AcademicYearFactory,
    MembershipFactory,
    OrganisationFactory,
    RoleFactory,
)
from demo.registry import DemoWorld, builders
from organisations.models import Organisation
from qualifications.demo import build_demo
from qualifications.models import Booking, Cluster, Edition, Enrolment, InvoiceSettings
from qualifications.tests.helpers import staff_user

pytestmark = pytest.mark.django_db


def small_world() -> DemoWorld:
    year = AcademicYearFactory(
        name="2026-27", starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 8, 31)
    )
    provider = OrganisationFactory(name="HMC Professional Development", slug="hmc-pd", kind="provider")
    university = OrganisationFactory(name="UCL Institute of Education", slug="ucl-ioe", kind="university")
    world = DemoWorld(
        rng=random.Random(7),
        today=datetime.date(2026, 11, 23),
        scale=1,
        academic_year=year,
        previous_year=None,
        provider=provider,
        university=university,
    )
    for slug, phase, associations in [
        ("kingsbridge", "senior", ["HMC"]),
        ("st-aldhelms", "junior", ["HMCJ"]),
        ("marlowe", "senior", ["GSA"]),
    ]:
        school = OrganisationFactory(name=slug.title(), slug=slug, phase=phase)
        for code in associations:
            MembershipFactory(organisation=school, association=code)
        coordinator = staff_user(school, f"cpd@{slug}.test", f"Cora {slug.title()}")
        RoleFactory(organisation=school, user=coordinator, role=Role.CPD_COORDINATOR)
        deputy = staff_user(school, f"deputy@{slug}.test", f"Dora {slug.title()}")
        deputy.staff_records.update(job_title="Deputy Head (Pastoral)")
        for i in range(3):
            teacher = staff_user(school, f"hoy{i}@{slug}.test", f"Harry{i} {slug.title()}")
            teacher.staff_records.update(job_title=f"Head of Year {7 + i}")
        world.schools.append(school)
    world.main_school = world.schools[0]
    return world


def test_it_registers_the_builder_at_order_30():
    assert "qualifications" in [name for _, name, _ in builders()]
    assert [order for order, name, _ in builders() if name == "qualifications"] == [30]


def test_it_builds_editions_clusters_bookings_and_logins():
    world = small_world()
    build_demo(world)
    current = Edition.objects.filter(academic_year=world.academic_year)
    assert sorted(current.values_list("programme__code", flat=True)) == ["ISQAM", "PLQ", "PLQJ"]
    assert all(e.cloned_from_id and e.is_published for e in current)
    assert Edition.objects.count() == 6
    assert (
        Cluster.objects.filter(
            edition__programme__code="PLQ", edition__academic_year=world.academic_year
        ).count()
        == 6
    )
    isqam_models = set(
        Cluster.objects.filter(
            edition__programme__code="ISQAM", edition__academic_year=world.academic_year
        ).values_list("delivery_model", flat=True)
    )
    assert isqam_models == {"original", "virtual", "online"}
    assert Booking.objects.count() == 3
    junior = Organisation.objects.get(slug="st-aldhelms")
    assert Booking.objects.get(organisation=junior).edition.programme.code == "PLQJ"
    main_booking = Booking.objects.get(organisation=world.main_school)
    assert main_booking.edition.programme.code == "PLQ" and main_booking.fee_per_place == 625
    enrolments = world.extra["enrolments"]
    assert enrolments and all(isinstance(e, Enrolment) and e.mentor_id for e in enrolments)
    assert world.users["participant"] == main_booking.enrolments.first().participant
    mentor = world.users["mentor"]
    assert mentor.staff_records.get().job_title.startswith("Head of Year")
    assert mentor not in [e.participant for e in main_booking.enrolments.all()]
    assert all(
        e.participant.staff_records.get().job_title.startswith("Head of Year")
        for e in main_booking.enrolments.all()
    )
    from qualifications.models import SessionAttendance

    assert SessionAttendance.objects.filter(
        training_day__ends_at__lt=datetime.datetime(2026, 11, 23, tzinfo=datetime.UTC)
    ).exists()
    labels = [login.role for login in world.logins]
    assert any(label.startswith("Programme administrator") for label in labels)
    assert any(label.startswith("Facilitator") for label in labels)
    assert any(label.startswith("CPD coordinator") for label in labels)
    assert any(label.startswith("Participant") for label in labels) and any(
        label.startswith("Mentor") for label in labels
    )


def test_it_shows_the_invoice_details_and_closed_editions_in_the_demo():
    """The demo provider has bank details, the main school's booking quotes a purchase order, the documents' own
    past editions are closed for bookings and this year's are open."""
    world = small_world()
    build_demo(world)
    settings_ = InvoiceSettings.objects.get(organisation=world.provider)
    assert settings_.account_number and settings_.sort_code and settings_.vat_rate_percent == 0
    main_booking = Booking.objects.get(organisation=world.main_school)
    assert main_booking.purchase_order.startswith("PO-")
    assert Booking.objects.exclude(organisation=world.main_school).filter(purchase_order="").exists()
    for edition in Edition.objects.select_related("academic_year"):
        assert edition.is_closed_on(world.today) == (edition.academic_year != world.academic_year)
