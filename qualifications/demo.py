"""Demo data for qualifications: the three documents loaded, this year's editions cloned from them,
clusters with training days, and bookings from the demo schools with their mentors."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from access.models import RoleAssignment
from access.permissions import forget_access, requires_two_factor
from access.roles import Role
from accounts.models import User
from demo.registry import DEMO_PASSWORD, DemoLogin
from organisations.models import Organisation
from people.models import StaffMember
from qualifications import services
from qualifications.models import (
    Cluster,
    ClusterFacilitator,
    DeliveryModel,
    Edition,
    Enrolment,
    MentorTrainingSession,
    SafeguardingTraining,
    TrainingDay,
)

VENUES = [
    "Wellington College, Crowthorne",
    "The Manchester Grammar School",
    "Clifton College, Bristol",
    "Stonyhurst College, Clitheroe",
    "Oundle School, Peterborough",
]
DEFAULT_PLAN = [
    {"level": 1, "delivery_model": "original", "count": 1},
    {"level": 2, "delivery_model": "original", "count": 1},
]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _weekday(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _user(key: str, first: str, last: str, org: Organisation, role: str, world: Any) -> User:
    user = world.users.get(key)
    if user is None:
        user = User.objects.create(
            email=f"{first.lower()}.{last.lower()}@hmcpd.example.org",
            full_name=f"{first} {last}",
            password=make_password(DEMO_PASSWORD),
        )
        StaffMember.objects.create(
            organisation=org, user=user, first_name=first, last_name=last, job_title=Role(role).label
        )
        RoleAssignment.objects.create(
            organisation=org, user=user, role=role, starts_on=world.academic_year.starts_on
        )
        world.users[key] = user
        world.logins.append(DemoLogin(f"{Role(role).label}, {org.name}", user.email))
    return user


def _clusters(world: Any, edition: Edition, plan: list[dict[str, Any]], facilitator: User) -> list[Cluster]:
    year = world.academic_year
    autumn = _weekday(year.starts_on + datetime.timedelta(weeks=7), 3)  # a Thursday in mid October
    spring = _weekday(year.starts_on + datetime.timedelta(weeks=23), 3)  # a Thursday in early February
    clusters = []
    n = 0
    for row in plan:
        level = edition.levels.get(number=row["level"])
        for i in range(row["count"]):
            model = row["delivery_model"]
            online = model != DeliveryModel.ORIGINAL
            venue = "" if online else VENUES[(n + len(edition.programme.code)) % len(VENUES)]
            n += 1
            name = (
                f"{edition.programme.code} Level {level.number} {'Online' if online else venue.split(',')[0]}"
            )
            if Cluster.objects.filter(edition=edition, name=name).exists():
                name = f"{name} {i + 1}"
            cluster = services.cluster_create(
                actor=None,
                edition=edition,
                name=name,
                level=level,
                delivery_model=model,
                venue=venue,
                online_link=f"https://meet.example.org/{edition.programme.code.lower()}-{level.number}-{n}"
                if online
                else "",
                capacity=12 if not online else 16,
            )
            modules = list(level.modules.all())
            sessions = [
                (TrainingDay.Term.AUTUMN, autumn + datetime.timedelta(days=7 * n), modules[:2]),
                (TrainingDay.Term.SPRING, spring + datetime.timedelta(days=7 * n), modules[2:]),
            ]
            for term, day, covered in sessions:
                start, end = (
                    (_at(day, 9, 30), _at(day, 16, 0)) if not online else (_at(day, 14, 0), _at(day, 17, 0))
                )
                training = TrainingDay.objects.create(
                    organisation=edition.organisation,
                    cluster=cluster,
                    term=term,
                    starts_at=start,
                    ends_at=end,
                )
                training.modules.set(covered)
            for module in modules:
                ClusterFacilitator.objects.create(
                    organisation=edition.organisation, cluster=cluster, module=module, facilitator=facilitator
                )
            clusters.append(cluster)
    return clusters


def build_demo(world: Any) -> None:
    provider = world.provider
    admin = _user("programme_admin", "Helen", "Marsden", provider, Role.PROGRAMME_ADMIN, world)
    facilitator = _user("facilitator", "Rachel", "Okafor", provider, Role.FACILITATOR, world)
    loaded = services.programmes_load_all(provider=provider, university=world.university)
    _invoice_settings(admin, provider)
    current, clusters = _this_years_editions(world, loaded, admin, facilitator)
    enrolments: list[Enrolment] = []
    for school in world.schools:
        if school.kind == Organisation.Kind.SCHOOL:
            enrolments += _book_places(world, school, clusters)
    _training_attendance(world, facilitator)
    world.extra["enrolments"] = enrolments
    world.extra["qualification_editions"] = current


def _invoice_settings(admin: User, provider: Organisation) -> None:
    """What every invoice prints: how to pay (example bank details, not a real account) and the VAT position."""
    services.invoice_settings_save(
        actor=admin,
        provider=provider,
        payment_method="BACS bank transfer (cheques payable to HMC Professional Development Ltd)",
        bank_name="Example Bank plc",
        account_name="HMC Professional Development Ltd",
        sort_code="00-00-00",
        account_number="00012345",
    )


def _this_years_editions(
    world: Any, loaded: list[Edition], admin: User, facilitator: User
) -> tuple[dict[str, Edition], dict[str, list[Cluster]]]:
    """This year's edition of each programme (cloned from the loaded document), published, with its clusters and
    an online training session for mentors."""
    provider = world.provider
    current: dict[str, Edition] = {}
    clusters: dict[str, list[Cluster]] = {}
    for edition in loaded:
        new = Edition.objects.filter(programme=edition.programme, academic_year=world.academic_year).first()
        if new is None:
            new = services.edition_clone(actor=admin, edition=edition, academic_year=world.academic_year)
        new.is_published = True
        new.save(update_fields=["is_published"])
        code = edition.programme.code
        current[code] = new
        clusters[code] = _clusters(world, new, edition.planned_clusters or DEFAULT_PLAN, facilitator)
        MentorTrainingSession.objects.create(
            organisation=provider,
            edition=new,
            starts_at=_at(_weekday(world.academic_year.starts_on + datetime.timedelta(weeks=5), 1), 16, 0),
            ends_at=_at(_weekday(world.academic_year.starts_on + datetime.timedelta(weeks=5), 1), 17, 30),
            online_link=f"https://meet.example.org/mentors-{code.lower()}",
        )
    return current, clusters


def _programme_for(world: Any, school: Organisation) -> str:
    """PLQJ for a junior school, PLQ for the main school, else PLQ or ISQAM."""
    code = (
        "PLQJ"
        if school.phase == Organisation.Phase.JUNIOR
        else ("PLQ" if school == world.main_school else world.rng.choice(["PLQ", "ISQAM"]))
    )
    if code == "PLQ" and school != world.main_school and "HMC" not in school.associations_on(world.today):
        code = (
            "ISQAM"  # PLQ is for HMC senior schools; ISQAM is open to GSA schools too (so the demo has one)
        )
    return code


def _book_places(world: Any, school: Organisation, clusters: dict[str, list[Cluster]]) -> list[Enrolment]:
    """The school's CPD coordinator books one or two pastoral leaders onto a Level 1 cluster, each with a
    mentor; about half the invoices are paid."""
    rng = world.rng
    coordinator_role = (
        RoleAssignment.objects.filter(organisation=school, role=Role.CPD_COORDINATOR).order_by("pk").first()
    )
    if coordinator_role is None:
        return []
    coordinator = coordinator_role.user
    staff = list(
        StaffMember.objects.filter(organisation=school, is_active=True)
        .exclude(user=coordinator)
        .select_related("user")
        .order_by("pk")
    )
    taken = {u.pk for u in world.users.values() if hasattr(u, "pk")}
    free = [s for s in staff if s.user_id not in taken]
    # Participants: pastoral middle leaders (heads of year or house), else tutors.
    candidates = [s for s in free if s.job_title.startswith("Head of")] + [
        s for s in free if s.job_title.startswith("Form tutor")
    ] or free
    options = [c for c in clusters[_programme_for(world, school)] if c.level.number == 1]
    cluster = options[rng.randrange(len(options))]
    chosen = candidates[: 2 if school == world.main_school else 1 + rng.randrange(2)]
    # The mentor: an experienced pastoral leader (a head of year) or else the deputy head.
    mentors = (
        [s for s in free if s.job_title.startswith("Head of") and s not in chosen]
        or [s for s in staff if s.job_title.startswith("Deputy Head")]
        or [s for s in staff if s not in chosen][:1]
    )
    if not mentors:
        return []
    booked_on = min(
        world.today, world.academic_year.starts_on + datetime.timedelta(days=10 + rng.randrange(20))
    )
    places = _places(world, school, chosen, mentors[0], coordinator, booked_on)
    if not places:
        return []
    booking, _warnings = services.booking_create(
        actor=coordinator,
        cluster=cluster,
        school=school,
        places=places,
        on=booked_on,
        # Schools that raise purchase orders quote them on the booking; the invoice prints it.
        purchase_order=f"PO-{booked_on:%y}{school.pk:04d}" if school == world.main_school else "",
    )
    if rng.random() < 0.5:
        services.booking_set_paid(
            actor=None, booking=booking, paid=True, on=booking.booked_on + datetime.timedelta(days=20)
        )
    booked = list(booking.enrolments.select_related("participant", "mentor").order_by("pk"))
    if school == world.main_school:
        _main_school_logins(world, school, coordinator, booked, cluster)
    return booked


def _places(
    world: Any,
    school: Organisation,
    chosen: list[StaffMember],
    mentor: StaffMember,
    coordinator: User,
    booked_on: datetime.date,
) -> list[services.PlaceRequest]:
    """A place for each chosen member of staff, their safeguarding training recorded first (a prerequisite)."""
    places = []
    for member in chosen:
        SafeguardingTraining.objects.create(
            organisation=school,
            person=member.user,
            completed_on=booked_on - datetime.timedelta(days=30 + world.rng.randrange(400)),
            level=SafeguardingTraining.TrainingLevel.LEVEL_2,
            evidence="Local Safeguarding Children Partnership certificate",
            recorded_by=coordinator,
        )
        places.append(services.PlaceRequest(participant=member.user, mentor=mentor.user))
    return places


def _main_school_logins(
    world: Any, school: Organisation, coordinator: User, booked: list[Enrolment], cluster: Cluster
) -> None:
    """The main school's coordinator, first participant and their mentor sign in to the demo."""
    if "cpd_coordinator" not in world.users:
        world.users["cpd_coordinator"] = coordinator
        world.logins.append(DemoLogin(f"CPD coordinator, {school.name}", coordinator.email))
    if not booked:
        return
    world.users["participant"] = booked[0].participant
    world.users["mentor"] = booked[0].mentor
    for _key, user, label in [
        ("participant", booked[0].participant, f"Participant ({cluster.edition} Level 1), {school.name}"),
        ("mentor", booked[0].mentor, f"Mentor, {school.name}"),
    ]:
        forget_access(user)
        world.logins.append(DemoLogin(label, user.email, requires_two_factor(user)))


def _training_attendance(world: Any, facilitator: User) -> None:
    """Attendance at the training days already held."""
    now = _at(world.today, 0)
    for day in (
        TrainingDay.objects.filter(organisation=world.provider, ends_at__lt=now)
        .select_related("cluster")
        .order_by("pk")
    ):
        marks = {
            e.pk: "present" if world.rng.random() < 0.9 else "apologies"
            for e in day.cluster.enrolments.filter(status=Enrolment.Status.ENROLLED).order_by("pk")
        }
        if marks:
            services.attendance_record(actor=facilitator, training_day=day, marks=marks, on=world.today)
