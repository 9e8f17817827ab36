"""The demo world: a provider, its university partner, and the schools and colleges it serves.

Deterministic for a seed and a date: the same command on the same day builds the same world. Built with
bulk inserts so that `--scale 3 --pupils-per-school 1000` (21 schools, 21,000 pupils) takes well under two
minutes on SQLite. Each domain app adds its own data through `demo.registry.register_demo_builder`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.models import RoleAssignment
from access.roles import TWO_FACTOR_ROLES, Role
from accounts.models import User
from demo.registry import DEMO_PASSWORD, DemoLogin, DemoWorld, builders
from demo.schools import SCHOOLS, Maker, SchoolSpec, build_school
from organisations.models import AcademicYear, Organisation
from people.models import StaffMember

PROVIDER_SLUG = "hmc-pd"
LOGINS_FILE = "demo_logins.json"


GROUPS = {"severn-vale": ("Severn Vale College Group", "severnvale.example.ac.uk")}


def academic_year_for(on: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    start_year = on.year if on.month >= 9 else on.year - 1
    return (
        f"{start_year}-{str(start_year + 1)[2:]}",
        datetime.date(start_year, 9, 1),
        datetime.date(start_year + 1, 8, 31),
    )


def ensure_academic_years(today: datetime.date, back: int = 5) -> list[AcademicYear]:
    """The current academic year and `back` before it (editions and history need them)."""
    years = []
    for offset in range(back, -2, -1):
        name, start, end = academic_year_for(
            datetime.date(today.year - offset, today.month, min(today.day, 28))
        )
        year, _ = AcademicYear.objects.get_or_create(name=name, defaults={"starts_on": start, "ends_on": end})
        years.append(year)
    return years


def build_world(
    *,
    seed: int = 2026,
    scale: int = 1,
    pupils_per_school: int | None = None,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
    run_builders: bool = True,
) -> DemoWorld:
    """Build the whole demo world in one transaction and return it (with the logins to print)."""
    from django.utils import timezone

    say = progress or (lambda message: None)
    today = today or timezone.localdate()
    rng = random.Random(seed)
    with transaction.atomic():
        years = ensure_academic_years(today)
        current = next(y for y in years if y.starts_on <= today <= y.ends_on)
        previous = AcademicYear.objects.filter(ends_on__lt=current.starts_on).order_by("-starts_on").first()
        provider = Organisation.objects.create(
            name="HMC Professional Development",
            slug=PROVIDER_SLUG,
            kind="provider",
            address="12 The Point, Market Harborough, LE16 7QU",
        )
        university = Organisation.objects.create(
            name="UCL Institute of Education",
            slug="ucl-ioe",
            kind="university",
            address="20 Bedford Way, London WC1H 0AL",
        )
        world = DemoWorld(
            rng=rng,
            today=today,
            scale=scale,
            academic_year=current,
            previous_year=previous,
            provider=provider,
            university=university,
        )
        maker = Maker(world, make_password(DEMO_PASSWORD))
        _provider_staff(world, maker)
        parents: dict[str, Organisation] = {}
        for copy in range(1, scale + 1):
            for spec in SCHOOLS:
                parent = None
                if spec.group_key:
                    gkey = f"{spec.group_key}-{copy}"
                    if gkey not in parents:
                        gname, _domain = GROUPS[spec.group_key]
                        parents[gkey] = Organisation.objects.create(
                            name=gname if copy == 1 else f"{gname} ({copy})",
                            slug=gkey,
                            kind="group",
                            phase="further",
                        )
                        world.extra.setdefault("groups", []).append(parents[gkey])
                    parent = parents[gkey]
                say(f"{spec.name}{'' if copy == 1 else f' ({copy})'}")
                school, users, staff_rows = build_school(
                    world, maker, spec, copy, parent, years, pupils_per_school
                )
                if copy == 1:
                    _record_logins(world, school, spec, users, staff_rows)
                world.schools.append(school)
                if copy == 1 and spec.key == "kingsbridge":
                    world.main_school = school
        _group_leader(world, maker, parents["severn-vale-1"])
        if run_builders:
            for _order, name, builder in builders():
                say(f"demo data: {name}")
                builder(world)
        # Last, once every builder has given out its roles (the qualifications builder makes participants and
        # mentors heads of year, for one).
        _demo_two_factor_devices(world)
    return world


def _provider_staff(world: DemoWorld, maker: Maker) -> None:
    people = [
        (
            "programme_admin",
            world.provider,
            Role.PROGRAMME_ADMIN,
            "Helen",
            "Marsden",
            "hmcpd.example.org",
            "Programme administrator, HMC Professional Development",
        ),
        (
            "facilitator",
            world.provider,
            Role.FACILITATOR,
            "Rachel",
            "Okafor",
            "hmcpd.example.org",
            "Facilitator, HMC Professional Development",
        ),
        (
            "reviewer",
            world.provider,
            Role.REVIEWER,
            "David",
            "Ashworth",
            "hmcpd.example.org",
            "Portfolio reviewer, HMC Professional Development",
        ),
        (
            "moderator",
            world.university,
            Role.MODERATOR,
            "Priya",
            "Raman",
            "ucl-ioe.example.ac.uk",
            "External moderator, UCL Institute of Education",
        ),
    ]
    for key, org, role, first, last, domain, label in people:
        user = _user(maker, first, last, domain)
        StaffMember.objects.create(
            organisation=org, user=user, first_name=first, last_name=last, job_title=Role(role).label
        )
        RoleAssignment.objects.create(
            organisation=org, user=user, role=role, starts_on=world.academic_year.starts_on
        )
        world.users[key] = user
        world.logins.append(DemoLogin(label, user.email, role in TWO_FACTOR_ROLES))
    # A second reviewer and moderator, so allocation and sampling have more than one of each.
    for key, org, role, first, last, domain in [
        ("reviewer_2", world.provider, Role.REVIEWER, "Margaret", "Ellison", "hmcpd.example.org"),
        ("moderator_2", world.university, Role.MODERATOR, "Tom", "Whitfield", "ucl-ioe.example.ac.uk"),
    ]:
        user = _user(maker, first, last, domain)
        StaffMember.objects.create(
            organisation=org, user=user, first_name=first, last_name=last, job_title=Role(role).label
        )
        RoleAssignment.objects.create(
            organisation=org, user=user, role=role, starts_on=world.academic_year.starts_on
        )
        world.users[key] = user


def _user(maker: Maker, first: str, last: str, domain: str) -> User:
    email = maker.email_for(first, last, domain)
    return User.objects.create(email=email, full_name=f"{first} {last}", password=maker.password_hash)


def _record_logins(
    world: DemoWorld, school: Organisation, spec: SchoolSpec, users: list[User], rows: list[Any]
) -> None:
    """Print one login per role: school roles from Kingsbridge, the PAL from the college."""
    wanted = {
        "kingsbridge": [
            Role.TUTOR,
            Role.HEAD_OF_YEAR,
            Role.ATTENDANCE_OFFICER,
            Role.DSL,
            Role.DEPUTY_DSL,
            Role.SENCO,
            Role.SENIOR_LEADER,
            Role.SCHOOL_ADMIN,
            Role.CPD_COORDINATOR,
        ],
        "severn-vale-gloucester": [Role.PAL],
    }.get(spec.key, [])
    for role in wanted:
        # Year 10 is the liveliest year to show (GCSEs, the most support plans); otherwise the first holder.
        matches = [i for i, row in enumerate(rows) if row[2] == role]
        preferred = [
            i
            for i in matches
            if rows[i][4].get("year_group") == 10
            or getattr(rows[i][4].get("group"), "year_group", None) == 10
        ]
        index = (preferred or matches)[0]
        user = users[index]
        key = {Role.SENIOR_LEADER: "senior_leader"}.get(role, str(role))
        world.users[key] = user
        scope = rows[index][4]
        detail = ""
        if "group" in scope:
            detail = f" of {scope['group'].name}"
        elif "year_group" in scope:
            detail = f" of Year {scope['year_group']}"
        elif "groups" in scope:
            detail = f" ({len(scope['groups'])} groups)"
        world.logins.append(
            DemoLogin(f"{Role(role).label}{detail}, {school.name}", user.email, role in TWO_FACTOR_ROLES)
        )


def _group_leader(world: DemoWorld, maker: Maker, group: Organisation) -> None:
    user = _user(maker, "Nadia", "Rahman", "severnvale.example.ac.uk")
    StaffMember.objects.create(
        organisation=group,
        user=user,
        first_name="Nadia",
        last_name="Rahman",
        job_title="Vice Principal, Students",
    )
    RoleAssignment.objects.create(
        organisation=group, user=user, role=Role.SENIOR_LEADER, starts_on=world.academic_year.starts_on
    )
    world.users["group_leader"] = user
    world.logins.append(DemoLogin(f"Senior leader, {group.name} (all sites)", user.email, True))


def demo_totp_key(email: str, seed: int = 2026) -> str:
    """A fixed authenticator key per demo user, so `./pastoral code EMAIL` can print the current code."""
    return hashlib.sha256(f"pastoral-demo-totp:{seed}:{email}".encode()).hexdigest()[:40]


def _demo_two_factor_devices(world: DemoWorld) -> None:
    """Everyone whose roles need a second factor gets a demo authenticator already set up (so that anyone can sign
    in as them with `bin/pastoral code EMAIL`), and the printed logins say which need the code."""
    holds = RoleAssignment.objects.filter(user=OuterRef("pk"), role__in=TWO_FACTOR_ROLES).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=world.today)
    )
    needing = User.objects.filter(Exists(holds))
    has_device = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    TOTPDevice.objects.bulk_create(
        [
            TOTPDevice(user=user, name="Demo authenticator", key=demo_totp_key(user.email), confirmed=True)
            for user in needing.exclude(Exists(has_device)).order_by("pk")
        ]
    )
    emails = set(needing.values_list("email", flat=True))
    for login in world.logins:
        login.needs_two_factor = login.email in emails


def logins_path() -> Path:
    return Path(settings.VAR_DIR) / LOGINS_FILE


def save_logins(world: DemoWorld) -> None:
    logins_path().write_text(json.dumps([asdict(login) for login in world.logins], indent=2))


def load_logins() -> list[DemoLogin]:
    path = logins_path()
    if not path.exists():
        return []
    return [DemoLogin(**row) for row in json.loads(path.read_text())]


def world_exists() -> bool:
    return Organisation.objects.filter(slug=PROVIDER_SLUG).exists()
