"""Demo data: a term's behaviour log for the main school, a handful of suspensions, a few report cards."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from audit.services import record_event
from behaviour.models import BehaviourCategory, Incident, IncidentPupil, Suspension
from behaviour.services import categories_seed_defaults, suspension_create
from organisations import calendar

NEGATIVE = [
    ("disruption", "Talking over the teacher and distracting others", "Moved seats; warning given"),
    ("defiance", "Refused to follow an instruction to move seats", "Removed to the on-call room"),
    ("rudeness", "Answered back rudely when asked to stop", "Restorative conversation at break"),
    ("language", "Swore in the corridor within earshot of staff", "Detention set"),
    ("lateness", "Arrived 10 minutes late without a reason", "Late mark; tutor informed"),
    ("homework", "Homework not handed in for the second time", "Homework club"),
    ("uniform", "No blazer; lent one from the office", "Uniform note home"),
    ("phone", "Phone out in lesson", "Phone confiscated until end of day"),
    ("truancy", "Found outside the lesson without a pass", "Escorted back; parents called"),
    ("aggression", "Pushed another pupil during a disagreement", "Separated; statements taken"),
    ("bullying", "Repeated unkind comments to a younger pupil", "DSL informed; restorative meeting"),
    ("damage", "Wrote on a desk", "Cleaned the desk at lunch"),
]
POSITIVE = [
    ("effort", "Worked hard all lesson and finished the extension task", ""),
    ("kindness", "Helped a new pupil find their way around", ""),
    ("achievement", "Best score in the class test", ""),
    ("leadership", "Led the group presentation calmly", ""),
    ("improvement", "A clear improvement in focus this week", ""),
]
OBSERVATION = [
    ("mood", "Seemed withdrawn and tired this morning", "Tutor to check in"),
    ("peer", "Falling out with friendship group at lunch", "Keeping an eye at break"),
]
LESSONS = [
    "P1 English",
    "P2 Maths",
    "P3 Science",
    "P4 History",
    "P5 Geography",
    "P6 PE",
    "P3 French",
    "P4 Art",
]
PLACES = ["classroom"] * 6 + ["corridor", "playground", "dining", "gate"]


def build(world: Any) -> None:
    from people.models import Pupil, StaffMember

    school = world.main_school
    if school is None:
        return
    today = world.today
    term_start = max(world.academic_year.starts_on, today - datetime.timedelta(weeks=12))
    days = calendar.school_days_between(school, term_start + datetime.timedelta(days=2), today)
    pupils = list(Pupil.objects.filter(organisation=school, left_on__isnull=True).order_by("pk"))
    staff = list(
        StaffMember.objects.filter(organisation=school, is_active=True).select_related("user").order_by("pk")
    )
    if not pupils or not staff or not days:
        return
    frequent = _frequent(world, school, pupils)
    categories_seed_defaults(organisation=school)
    created = _incidents(world, school, days, pupils, staff, frequent)
    suspensions = _suspensions(world, days, staff, frequent)
    record_event(
        action="import",
        organisation_id=school.pk,
        object_type="behaviour.Incident",
        note=f"demo data: {len(created)} incidents, {len(suspensions)} suspensions",
    )


def _frequent(world: Any, school: Any, pupils: list[Any]) -> list[Any]:
    """A few pupils attract most of the negative entries, as in any school (most of them in the head of year's)."""
    rng = world.rng
    hoy = world.users.get("head_of_year")
    year = 10
    if hoy is not None:
        from access.models import RoleAssignment

        scope = RoleAssignment.objects.filter(user=hoy, organisation=school, role="head_of_year").first()
        year = scope.year_group if scope and scope.year_group is not None else year
    year_pupils = [p for p in pupils if p.year_group == year] or pupils
    frequent = rng.sample(year_pupils, min(6, len(year_pupils))) + rng.sample(pupils, min(10, len(pupils)))
    world.extra["behaviour_frequent"] = frequent[:6]
    return frequent


def _incidents(
    world: Any,
    school: Any,
    days: list[datetime.date],
    pupils: list[Any],
    staff: list[Any],
    frequent: list[Any],
) -> list[Incident]:
    """The term's incidents so far, negative, positive and observations, each with its pupils."""
    rng = world.rng
    tz = timezone.get_current_timezone()
    now = timezone.now()
    by_code = {c.code: c for c in BehaviourCategory.objects.filter(organisation=school)}
    incidents, links = [], []
    count = 220 + 40 * min(world.scale, 3)
    for _ in range(count):
        roll = rng.random()
        if roll < 0.6:
            kind, (category, text, action) = Incident.Kind.NEGATIVE, rng.choice(NEGATIVE)
            pupil = rng.choice(frequent) if rng.random() < 0.45 else rng.choice(pupils)
            severity = (
                rng.choice([1, 1, 2, 2, 2, 3, 3, 4])
                if category not in ("aggression", "bullying")
                else rng.choice([3, 4, 5])
            )
        elif roll < 0.9:
            kind, (category, text, action) = Incident.Kind.POSITIVE, rng.choice(POSITIVE)
            pupil, severity = rng.choice(pupils), 1
        else:
            kind, (category, text, action) = Incident.Kind.OBSERVATION, rng.choice(OBSERVATION)
            pupil, severity = rng.choice(pupils), 1
        day = rng.choice(days)
        at = datetime.datetime.combine(
            day, datetime.time(rng.randint(8, 15), rng.choice([0, 10, 20, 30, 40, 50])), tzinfo=tz
        )
        if at > now:  # later today has not happened yet: the same time a week earlier
            at -= datetime.timedelta(weeks=1)
        place = rng.choice(PLACES)
        member = rng.choice(staff)
        contacted = kind == Incident.Kind.NEGATIVE and severity >= 3
        incident = Incident(
            organisation=school,
            kind=kind,
            category=by_code[category],
            severity=severity,
            occurred_at=at,
            place=place,
            lesson=rng.choice(LESSONS) if place == "classroom" else "",
            staff=member.user,
            description=text,
            actions=action,
            parents_contacted=contacted,
            parents_contacted_how=rng.choice(["Phone call", "E-mail", "Text message"]) if contacted else "",
            recorded_by=member.user,
        )
        others = []
        if category in ("aggression", "disruption", "peer") and rng.random() < 0.4:
            others = [p for p in rng.sample(pupils, 2) if p.pk != pupil.pk][:1]
        incidents.append((incident, [pupil, *others]))
    created = Incident.objects.bulk_create([i for i, _ in incidents])
    for incident, (_, involved) in zip(created, incidents, strict=True):
        for p in involved:
            links.append(IncidentPupil(organisation=school, incident=incident, pupil=p))
    IncidentPupil.objects.bulk_create(links)
    return created


def _suspensions(world: Any, days: list[datetime.date], staff: list[Any], frequent: list[Any]) -> list[Any]:
    """A handful of suspensions (and one internal exclusion) for the pupils most often in trouble."""
    rng = world.rng
    hoy = world.users.get("head_of_year")
    reasons = ["persistent", "verbal_adult", "physical_pupil", "persistent", "bullying", "verbal_pupil"]
    suspensions = []
    # The headteacher decides (the demo's senior leader stands for them); the head of year records it.
    decided_by = world.users.get("senior_leader") or staff[0].user
    recorder = hoy or decided_by
    open_days = days  # the school's days of the term so far (the calendar's)
    for i, pupil in enumerate(frequent[:6]):
        start = rng.choice(open_days[len(open_days) // 3 :]) if len(open_days) > 3 else open_days[0]
        suspension_kind = Suspension.Kind.INTERNAL if i == 5 else Suspension.Kind.SUSPENSION
        length = rng.choice([1, 1, 2, 3])
        later = [d for d in open_days if d >= start]
        end = later[min(length, len(later)) - 1]
        followed = (
            Incident.objects.filter(
                links__pupil=pupil, kind=Incident.Kind.NEGATIVE, occurred_at__date__lte=start
            )
            .order_by("-occurred_at")
            .first()
        )
        suspensions.append(
            suspension_create(
                actor=recorder,
                pupil=pupil,
                kind=suspension_kind,
                decided_by=decided_by,
                incident=followed,
                starts_on=start,
                ends_on=end,
                sessions=2 * min(length, len(later)),
                reason=reasons[i],
                parents_informed=True,
                details="Following repeated incidents recorded in the behaviour log; parents met the head of year.",
            )
        )
    return suspensions


def build_notices(world: Any) -> None:
    """The main school's notice addresses, and the notices of its longest suspension sent by the head of year."""
    from behaviour.models import NoticeAddresses
    from behaviour.services import suspension_notices_send

    school = world.main_school
    if school is None:
        return
    domain = school.slug.replace("-", "") + ".sch.uk"
    NoticeAddresses.objects.update_or_create(
        organisation=school,
        defaults={"governors_email": f"clerk@{domain}", "local_authority_email": "exclusions@county.gov.uk"},
    )
    longest = (
        Suspension.objects.filter(organisation=school, kind=Suspension.Kind.SUSPENSION)
        .order_by("-sessions", "pk")
        .first()
    )
    if longest is not None:
        suspension_notices_send(actor=longest.recorded_by, suspension=longest)
