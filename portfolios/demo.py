"""Demo data for portfolios (order 35, after qualifications): portfolios in progress for this year's enrolments,
mentor meetings, reviewer and moderator logins, and a certified portfolio from last year so the public
verification page has something to show."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password

from access.models import RoleAssignment
from access.permissions import forget_access
from access.roles import Role
from accounts.models import User
from demo.registry import DEMO_PASSWORD, DemoLogin
from portfolios import services
from portfolios.fixtures import build_programme, enrol
from portfolios.models import Certificate, Outcome
from portfolios.terms import terms_for
from qualifications.models import Activity, Cluster, DeliveryModel, Edition

TOPICS = [
    "Progress on the module 2 coaching conversations; a difficult conversation with a parent.",
    "Planning the wellbeing lesson observations; which colleagues to observe.",
    "Reading for module 3 and how it applies to the boarding houses.",
    "Online safety audit: who to interview, what the pupil survey asks.",
]


def _user(world: Any, key: str, email: str, name: str, org: Any, role: str, label: str) -> User:
    user = world.users.get(key)
    if user is None:
        user = User.objects.filter(email=email).first() or User.objects.create(
            email=email, full_name=name, password=make_password(DEMO_PASSWORD)
        )
        RoleAssignment.objects.create(
            organisation=org, user=user, role=role, starts_on=world.previous_year.starts_on
        )
        world.users[key] = user
        forget_access(user)
        world.logins.append(DemoLogin(label, user.email))
    return user


def _fill(portfolio: Any, actor: Any, activities: list[Activity], fraction: float, world: Any) -> None:
    for activity in activities:
        if world.rng.random() > fraction:
            continue
        count = (
            activity.minimum_count if activity.kind == Activity.Kind.MINIMUM and activity.minimum_count else 1
        )
        for n in range(1, count + 1):
            complete = world.rng.random() < 0.7 or fraction >= 1
            services.entry_save(
                actor=actor,
                portfolio=portfolio,
                activity=activity,
                sequence=n,
                body=f"<p>Notes for activity {activity.number}, record {n}: what I did, what happened and what "
                "I learned about leading pastoral care in my school.</p>",
                reflection={"what": "I led the discussion.", "learned": "Listening first works."}
                if activity.is_structured_reflection
                else None,
                record={
                    "date": world.today.isoformat(),
                    "focus": "Wellbeing",
                    "observed": "Calm start routines.",
                }
                if activity.kind == Activity.Kind.MINIMUM
                else None,
                alternative=(activity.alternatives or ["The first alternative"])[0]
                if activity.kind == Activity.Kind.CHOICE
                else "",
                difficult_issue=("yes" if n == 1 else "no") if activity.requires_difficult_issue else "",
                complete=complete,
            )


def _meetings(portfolio: Any, world: Any, until: datetime.date, per_term: int) -> None:
    enrolment = portfolio.enrolment
    for term in terms_for(portfolio.organisation_id, until):
        if term.starts_on > until:
            continue
        for i in range(per_term):
            day = term.starts_on + datetime.timedelta(days=14 + 30 * i)
            if day > until:
                break
            meeting = services.meeting_log(
                actor=enrolment.mentor,
                portfolio=portfolio,
                held_on=day,
                minutes=30 + 15 * world.rng.randrange(3),
                topics=world.rng.choice(TOPICS),
                agreed_actions="Draft the next entry before we meet again.",
                today=until,
            )
            services.meeting_confirm(actor=enrolment.participant, meeting=meeting)


COACHING = [
    ("no", "A Year 10 teacher's use of retrieval practice: what she wants to try next term."),
    ("yes", "A colleague whose marking is weeks behind: naming the problem and agreeing a plan."),
    ("no", "A newly qualified teacher planning her first parents' evening."),
]


def _isqam_coaching(world: Any) -> None:
    """ISQAM 2.2 for the first ISQAM Level 1 participant: three coaching conversations, the second of which
    addressed a difficult issue (the rule submission checks)."""
    place = next(
        (
            e
            for e in world.extra.get("enrolments", [])
            if e.status == "enrolled" and e.edition.programme.code == "ISQAM" and e.level.number == 1
        ),
        None,
    )
    activity = (
        Activity.objects.filter(module__level_id=place.level_id, requires_difficult_issue=True).first()
        if place
        else None
    )
    if place is None or activity is None:
        return
    portfolio = services.portfolio_for_enrolment(enrolment=place)
    for n, (answer, focus) in enumerate(COACHING, start=1):
        services.entry_save(
            actor=place.participant,
            portfolio=portfolio,
            activity=activity,
            sequence=n,
            body=f"<p>Coaching conversation {n}: what we discussed, the questions I asked and what changed.</p>",
            record={"date": (world.today - datetime.timedelta(days=60 - 20 * n)).isoformat(), "focus": focus},
            difficult_issue=answer,
            complete=True,
        )


def build_demo(world: Any) -> None:
    base_url = getattr(settings, "PASTORAL_BASE_URL", "http://localhost:8000")
    reviewer = _user(
        world,
        "reviewer",
        "rev.ward@hmcpd.example.org",
        "Reviewer Ward",
        world.provider,
        Role.REVIEWER,
        f"Portfolio reviewer, {world.provider.name}",
    )
    moderator = _user(
        world,
        "moderator",
        "mo.derator@ucl.example.ac.uk",
        "Morag Derry",
        world.university,
        Role.MODERATOR,
        f"External moderator, {world.university.name}",
    )

    # This year's portfolios, in progress.
    for enrolment in world.extra.get("enrolments", []):
        if enrolment.status != "enrolled":
            continue
        portfolio = services.portfolio_for_enrolment(enrolment=enrolment)
        activities = list(
            Activity.objects.filter(module__level=enrolment.level).order_by("module__number", "position")
        )
        _fill(portfolio, enrolment.participant, activities, 0.4, world)
        _meetings(portfolio, world, world.today, per_term=world.rng.randrange(0, 3))
    _isqam_coaching(world)

    # Last year's certified portfolio.
    admin = world.users.get("programme_admin")
    mentor = world.users.get("mentor")
    if admin is None or mentor is None or world.main_school is None:
        return
    edition, level, cluster, graduate = _last_year(world)
    _certified(world, admin, mentor, reviewer, moderator, base_url, edition, level, cluster, graduate)


def _last_year(world: Any) -> tuple[Any, Any, Any, Any]:
    """Last year's edition (built if the world has none), its level 1 cluster, and a participant who finished it."""
    edition = (
        Edition.objects.filter(organisation=world.provider, academic_year=world.previous_year)
        .order_by("pk")
        .first()
    )
    if edition is None:
        edition = build_programme(
            provider=world.provider,
            university=world.university,
            year_start=world.previous_year.starts_on.year,
        ).edition
    level = edition.levels.get(number=1)
    cluster = Cluster.objects.filter(edition=edition, level=level).first() or Cluster.objects.create(
        organisation=world.provider,
        edition=edition,
        level=level,
        name=f"{edition.programme.code} Level 1 (last year)",
        delivery_model=DeliveryModel.ORIGINAL,
        capacity=12,
    )
    graduate = User.objects.filter(email="grace.holloway@demo.example.org").first() or User.objects.create(
        email="grace.holloway@demo.example.org",
        full_name="Grace Holloway",
        password=make_password(DEMO_PASSWORD),
    )
    RoleAssignment.objects.get_or_create(
        organisation=world.main_school,
        user=graduate,
        role=Role.PARTICIPANT,
        defaults={"starts_on": world.previous_year.starts_on},
    )
    world.logins.append(
        DemoLogin(f"Certified participant (last year), {world.main_school.name}", graduate.email)
    )
    return edition, level, cluster, graduate


def _certified(
    world: Any,
    admin: Any,
    mentor: Any,
    reviewer: Any,
    moderator: Any,
    base_url: str,
    edition: Any,
    level: Any,
    cluster: Any,
    graduate: Any,
) -> None:
    """The graduate's portfolio taken all the way: filled, submitted, reviewed, moderated and certified."""
    coordinator = world.users.get("cpd_coordinator")
    enrolment = enrol(
        cluster=cluster,
        school=world.main_school,
        participant=graduate,
        mentor=mentor,
        booked_by=coordinator,
        paid_on=edition.academic_year.starts_on + datetime.timedelta(days=21),
    )
    portfolio = services.portfolio_for_enrolment(enrolment=enrolment)
    activities = list(
        Activity.objects.filter(module__level=level)
        .exclude(kind=Activity.Kind.OPTIONAL)
        .order_by("module__number", "position")
    )
    _fill(portfolio, graduate, activities, 1.0, world)
    submit_day = edition.portfolio_deadline - datetime.timedelta(days=14)
    _meetings(portfolio, world, submit_day, per_term=2)
    services.statement_save(
        actor=mentor,
        portfolio=portfolio,
        body="Grace has engaged fully with every module, met me regularly and changed how her house team "
        "handles difficult conversations with parents. I support her portfolio without reservation.",
    )
    submission = services.portfolio_submit(actor=graduate, portfolio=portfolio, today=submit_day)
    (review,) = services.reviews_allocate(
        actor=admin, provider=world.provider, reviewers=[reviewer], submissions=[submission]
    ).reviews
    services.review_record(
        actor=reviewer,
        review=review,
        judgements={m.pk: (Outcome.SATISFACTORY, "Clear, reflective evidence.") for m in level.modules.all()},
        outcome=Outcome.SATISFACTORY,
        feedback="A thoughtful portfolio throughout.",
        rating=4,
        borderline=False,
        today=submit_day,
    )
    sample = services.sample_draw(actor=admin, edition=edition, seed=20250801)
    for item in sample.items.all():
        services.sample_item_moderate(
            actor=moderator, item=item, verdict="agree", reasons="Judgement well supported."
        )
    services.sample_finalise(actor=admin, sample=sample, base_url=base_url)
    # The provider's certificate of the school's portfolio: read on its own (on Citus the two rows live on
    # different shards, so a join between them is refused).
    world.extra["certificates"] = list(
        Certificate.objects.filter(portfolio=portfolio).values_list("code", flat=True)
    )
