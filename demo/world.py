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
from dataclasses import asdict, dataclass
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
from demo import names
from demo.registry import DEMO_PASSWORD, DemoLogin, DemoWorld, builders
from organisations.models import AcademicYear, AssociationMembership, Closure, Organisation, Site, Term
from people.models import Contact, Group, GroupMembership, Pupil, PupilContact, StaffMember
from people.validation import upn_check_letter

PROVIDER_SLUG = "hmc-pd"
LOGINS_FILE = "demo_logins.json"


@dataclass(frozen=True)
class SchoolSpec:
    key: str
    name: str
    kind: str
    phase: str
    years: tuple[int, ...]
    pupils: int
    associations: tuple[str, ...]
    email_domain: str
    la_code: str
    group_key: str | None = None
    houses: tuple[str, ...] = ()


SCHOOLS = (
    SchoolSpec(
        "kingsbridge",
        "Kingsbridge School",
        "school",
        "senior",
        tuple(range(7, 14)),
        560,
        ("HMC",),
        "kingsbridge.example.org",
        "916",
        houses=("Austen", "Brunel", "Darwin", "Franklin"),
    ),
    SchoolSpec(
        "st-aldhelms",
        "St Aldhelm's Preparatory School",
        "school",
        "junior",
        tuple(range(0, 7)),
        180,
        ("HMCJ", "IAPS"),
        "staldhelms.example.org",
        "916",
        houses=("Kestrel", "Merlin", "Osprey"),
    ),
    SchoolSpec(
        "marlowe",
        "Marlowe Girls' School",
        "school",
        "senior",
        tuple(range(7, 14)),
        200,
        ("GSA",),
        "marlowe.example.org",
        "885",
        houses=("Curie", "Nightingale", "Pankhurst"),
    ),
    SchoolSpec(
        "ashcombe",
        "Ashcombe School",
        "school",
        "senior",
        tuple(range(7, 12)),
        100,
        (),
        "ashcombe.example.org",
        "885",
    ),
    SchoolSpec(
        "severn-vale-gloucester",
        "Severn Vale College – Gloucester",
        "college",
        "further",
        (12, 13, 14),
        80,
        ("AOC",),
        "severnvale.example.ac.uk",
        "916",
        group_key="severn-vale",
    ),
    SchoolSpec(
        "severn-vale-stroud",
        "Severn Vale College – Stroud",
        "college",
        "further",
        (12, 13, 14),
        80,
        ("AOC",),
        "severnvale.example.ac.uk",
        "916",
        group_key="severn-vale",
    ),
)
GROUPS = {"severn-vale": ("Severn Vale College Group", "severnvale.example.ac.uk")}
COURSES = (
    "Health and Social Care L3",
    "Engineering L3",
    "Public Services L2",
    "Business L3",
    "Art and Design L3",
    "Sport L3",
    "Childcare L2",
    "Computing L3",
    "Construction L2",
    "Hair and Beauty L2",
)


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


def _weekday_on_or_after(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def term_dates(year: AcademicYear) -> list[tuple[str, datetime.date, datetime.date, datetime.date]]:
    """(term, start, end, half-term Monday) in the usual English pattern for a year."""
    y = year.starts_on.year
    autumn = (
        _weekday_on_or_after(datetime.date(y, 9, 3), 0),
        datetime.date(y, 12, 18),
        _weekday_on_or_after(datetime.date(y, 10, 26), 0),
    )
    spring = (
        _weekday_on_or_after(datetime.date(y + 1, 1, 5), 0),
        datetime.date(y + 1, 3, 27),
        _weekday_on_or_after(datetime.date(y + 1, 2, 15), 0),
    )
    summer = (
        _weekday_on_or_after(datetime.date(y + 1, 4, 13), 0),
        datetime.date(y + 1, 7, 17),
        _weekday_on_or_after(datetime.date(y + 1, 5, 25), 0),
    )
    return [("autumn", *autumn), ("spring", *spring), ("summer", *summer)]


def make_upn(rng: random.Random, la_code: str, estab: int, year_allocated: int) -> str:
    rest = f"{la_code}{estab:04d}{year_allocated % 100:02d}{rng.randint(0, 999):03d}"
    return upn_check_letter(rest) + rest


class _Maker:
    """Accumulates rows for bulk insertion, with the shared hashed demo password."""

    def __init__(self, world: DemoWorld, password_hash: str) -> None:
        self.world = world
        self.rng = world.rng
        self.password_hash = password_hash
        self.used_emails: set[str] = set()

    def person_name(self, sex: str | None = None) -> tuple[str, str, str]:
        sex = sex or self.rng.choice("FM")
        first = self.rng.choice(names.GIRLS if sex == "F" else names.BOYS)
        return first, self.rng.choice(names.SURNAMES), sex

    def email_for(self, first: str, last: str, domain: str) -> str:
        base = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        email, n = f"{base}@{domain}", 1
        while email in self.used_emails:
            n += 1
            email = f"{base}{n}@{domain}"
        self.used_emails.add(email)
        return email


def _pupil_dob(rng: random.Random, year_group: int, year: AcademicYear) -> datetime.date:
    # Year 7 pupils turn 12 during the school year: born between 1 Sept and 31 Aug, (12 + 1) years before its end.
    birth_year_start = year.starts_on.year - (year_group + 5)
    start = datetime.date(birth_year_start, 9, 1)
    return start + datetime.timedelta(days=rng.randint(0, 364))


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
        maker = _Maker(world, make_password(DEMO_PASSWORD))
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
                school = _build_school(world, maker, spec, copy, parent, years, pupils_per_school)
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


def _provider_staff(world: DemoWorld, maker: _Maker) -> None:
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


def _user(maker: _Maker, first: str, last: str, domain: str) -> User:
    email = maker.email_for(first, last, domain)
    return User.objects.create(email=email, full_name=f"{first} {last}", password=maker.password_hash)


def _build_school(
    world: DemoWorld,
    maker: _Maker,
    spec: SchoolSpec,
    copy: int,
    parent: Organisation | None,
    years: list[AcademicYear],
    pupils_per_school: int | None,
) -> Organisation:
    rng = maker.rng
    suffix = "" if copy == 1 else f" ({copy})"
    domain = spec.email_domain if copy == 1 else f"{copy}.{spec.email_domain}"
    school = Organisation.objects.create(
        name=spec.name + suffix,
        slug=f"{spec.key}-{copy}",
        kind=spec.kind,
        phase=spec.phase,
        parent=parent,
        urn=str(100000 + rng.randint(0, 899999)),
        address=f"{rng.randint(1, 120)} {rng.choice(names.STREETS)}, {rng.choice(names.TOWNS)}",
    )
    site = Site.objects.create(
        organisation=school,
        name="Main site" if spec.kind == "school" else spec.name.split("– ")[-1] + " campus",
    )
    for association in spec.associations:
        AssociationMembership.objects.create(
            organisation=school, association=association, starts_on=datetime.date(2001, 9, 1)
        )
    terms, closures = [], []
    for year in years:
        for kind, start, end, half_term in term_dates(year):
            terms.append(
                Term(organisation=school, academic_year=year, kind=kind, starts_on=start, ends_on=end)
            )
            closures.append(
                Closure(
                    organisation=school,
                    kind="half_term",
                    starts_on=half_term,
                    ends_on=half_term + datetime.timedelta(days=4),
                    reason=f"{kind.title()} half term",
                )
            )
            closures.append(
                Closure(
                    organisation=school,
                    kind="inset",
                    starts_on=start,
                    ends_on=start,
                    reason="Staff training day",
                )
            )
        may_day = _weekday_on_or_after(datetime.date(year.ends_on.year, 5, 1), 0)
        closures.append(
            Closure(
                organisation=school,
                kind="bank_holiday",
                starts_on=may_day,
                ends_on=may_day,
                reason="Early May bank holiday",
            )
        )
    Term.objects.bulk_create(terms)
    Closure.objects.bulk_create(closures)

    current = world.academic_year
    total = pupils_per_school or spec.pupils
    per_year = max(1, total // len(spec.years))
    estab = rng.randint(4000, 6999)
    groups: list[Group] = []
    staff_rows: list[tuple[str, str, str, str, dict[str, Any]]] = []  # (first, last, role, job title, scope)

    year_groups = {
        y: Group(
            organisation=school,
            academic_year=current,
            kind="year",
            name=("Reception" if y == 0 else f"Year {y}"),
            year_group=y,
            mis_id=f"Y{y}",
            site=site,
        )
        for y in spec.years
    }
    houses = [
        Group(organisation=school, academic_year=current, kind="house", name=h, mis_id=f"H-{h}", site=site)
        for h in spec.houses
    ]
    tutor_groups: dict[int, list[Group]] = {}
    for y in spec.years:
        forms = max(1, round(per_year / (18 if spec.kind == "college" else 22)))
        tutor_groups[y] = []
        for i in range(forms):
            if spec.kind == "college":
                name = f"{COURSES[(i + y) % len(COURSES)]} Y{y - 11} {chr(65 + i)}"
            else:
                name = f"{'R' if y == 0 else y}{(spec.houses[i % len(spec.houses)][0] if spec.houses else chr(65 + i))}{i + 1 if spec.houses else ''}"
            tutor_groups[y].append(
                Group(
                    organisation=school,
                    academic_year=current,
                    kind="course" if spec.kind == "college" else "tutor",
                    name=name,
                    year_group=y,
                    mis_id=f"T-{y}-{i}",
                    site=site,
                )
            )
    groups = list(year_groups.values()) + houses + [g for gs in tutor_groups.values() for g in gs]
    Group.objects.bulk_create(groups)

    pupils: list[Pupil] = []
    pupil_groups: list[tuple[int, list[Group]]] = []
    for y in spec.years:
        for n in range(per_year):
            sex = "F" if spec.key.startswith("marlowe") else rng.choice("FM")
            first, last, _ = maker.person_name(sex)
            preferred = ""
            if rng.random() < 0.06:
                preferred = rng.choice(names.GIRLS if sex == "F" else names.BOYS)
            sen = rng.choices("NKE", weights=(86, 12, 2))[0]
            admitted = datetime.date(
                current.starts_on.year - (y - spec.years[0]),
                9,
                3 if rng.random() < 0.9 else rng.randint(4, 28),
            )
            pupils.append(
                Pupil(
                    organisation=school,
                    mis_id=f"{spec.key[:3].upper()}{copy}{y:02d}{n:04d}",
                    upn=make_upn(rng, spec.la_code, estab, current.starts_on.year - (y - spec.years[0]))
                    if spec.kind == "school"
                    else "",
                    uln=f"{rng.randint(1000000000, 9999999999)}" if spec.kind == "college" else "",
                    legal_first_name=first,
                    legal_last_name=last,
                    preferred_first_name=preferred,
                    date_of_birth=_pupil_dob(rng, y, current),
                    sex=sex,
                    year_group=y,
                    site=site,
                    sen_status=sen,
                    admitted_on=admitted,
                )
            )
            chosen = [year_groups[y], tutor_groups[y][n % len(tutor_groups[y])]]
            if houses:
                chosen.append(houses[n % len(houses)])
            pupil_groups.append((len(pupils) - 1, chosen))
    # UPNs must be unique within a school: re-draw the rare collision.
    seen: set[str] = set()
    for pupil in pupils:
        while pupil.upn and pupil.upn in seen:
            pupil.upn = make_upn(rng, spec.la_code, estab, rng.randint(2010, 2026))
        seen.add(pupil.upn)
    Pupil.objects.bulk_create(pupils, batch_size=2000)

    memberships = [
        GroupMembership(
            organisation=school,
            group=g,
            pupil=pupils[i],
            starts_on=max(current.starts_on, pupils[i].admitted_on or current.starts_on),
        )
        for i, gs in pupil_groups
        for g in gs
    ]
    GroupMembership.objects.bulk_create(memberships, batch_size=5000)

    contacts, links = [], []
    for pupil in pupils:
        count = rng.choices((1, 2), weights=(30, 70))[0]
        for p in range(count):
            sex = "F" if p == 0 else "M"
            first = rng.choice(names.GIRLS if sex == "F" else names.BOYS)
            last = pupil.legal_last_name if rng.random() < 0.8 else rng.choice(names.SURNAMES)
            contacts.append(
                Contact(
                    organisation=school,
                    mis_id=f"C{pupil.mis_id}{p}",
                    title=rng.choice(names.ADULT_TITLES_F if sex == "F" else names.ADULT_TITLES_M),
                    first_name=first,
                    last_name=last,
                    email=f"{first}.{last}{rng.randint(1, 99)}@example.net".lower().replace("'", ""),
                    mobile=f"07700 9{rng.randint(0, 99999):05d}",
                    phone=f"01452 {rng.randint(100000, 999999)}" if rng.random() < 0.4 else "",
                    address=f"{rng.randint(1, 200)} {rng.choice(names.STREETS)}, {rng.choice(names.TOWNS)}",
                )
            )
            relationship = (
                rng.choices(
                    ["mother", "father", "carer", "grandparent", "foster_carer"], weights=(50, 40, 4, 4, 2)
                )[0]
                if p == 0
                else "father"
            )
            links.append((pupil, len(contacts) - 1, relationship, p + 1))
    Contact.objects.bulk_create(contacts, batch_size=5000)
    PupilContact.objects.bulk_create(
        [
            PupilContact(
                organisation=school,
                pupil=pupil,
                contact=contacts[ci],
                relationship=rel,
                priority=prio,
                has_parental_responsibility=rel != "grandparent",
                lives_with_pupil=prio == 1 or rng.random() < 0.7,
            )
            for pupil, ci, rel, prio in links
        ],
        batch_size=5000,
    )

    # Staff: a tutor per group, a head of each year, the whole-school roles; PALs with caseloads in colleges.
    for y in spec.years:
        for group in tutor_groups[y]:
            staff_rows.append(
                (
                    *maker.person_name()[:2],
                    Role.TUTOR,
                    "Course tutor" if spec.kind == "college" else "Form tutor",
                    {"group": group},
                )
            )
        if spec.kind != "college":
            staff_rows.append(
                (
                    *maker.person_name()[:2],
                    Role.HEAD_OF_YEAR,
                    f"Head of {year_groups[y].name}",
                    {"year_group": y},
                )
            )
    for role, title in [
        (Role.DSL, "Designated Safeguarding Lead"),
        (Role.DEPUTY_DSL, "Deputy DSL"),
        (Role.SENCO, "SENCO"),
        (
            Role.SENIOR_LEADER,
            "Deputy Head (Pastoral)" if spec.kind == "school" else "Assistant Director of Curriculum",
        ),
        (Role.SCHOOL_ADMIN, "Data manager"),
        (Role.ATTENDANCE_OFFICER, "Attendance officer"),
        (Role.CPD_COORDINATOR, "CPD coordinator"),
    ]:
        staff_rows.append((*maker.person_name()[:2], role, title, {}))
    if spec.kind == "college":
        caseload = [g for y in spec.years for g in tutor_groups[y]]
        for i in range(0, len(caseload), 16):
            staff_rows.append(
                (
                    *maker.person_name()[:2],
                    Role.PAL,
                    "Pastoral & Attendance Lead",
                    {"groups": caseload[i : i + 16]},
                )
            )

    users = [
        User(
            email=maker.email_for(first, last, domain),
            full_name=f"{first} {last}",
            password=maker.password_hash,
        )
        for first, last, _role, _title, _scope in staff_rows
    ]
    User.objects.bulk_create(users, batch_size=2000)
    StaffMember.objects.bulk_create(
        [
            StaffMember(
                organisation=school,
                user=user,
                mis_id=f"S{copy}{spec.key[:3].upper()}{i:04d}",
                title=rng.choice(("Mr", "Mrs", "Ms", "Dr", "Miss")),
                first_name=row[0],
                last_name=row[1],
                job_title=row[3],
                site=site,
            )
            for i, (user, row) in enumerate(zip(users, staff_rows, strict=True))
        ],
        batch_size=2000,
    )
    roles: list[RoleAssignment] = []
    for user, (_first, _last, held, _title, scope) in zip(users, staff_rows, strict=True):
        if "groups" in scope:
            roles += [
                RoleAssignment(
                    organisation=school, user=user, role=held, group=g, starts_on=current.starts_on
                )
                for g in scope["groups"]
            ]
        else:
            roles.append(
                RoleAssignment(
                    organisation=school, user=user, role=held, starts_on=current.starts_on, **scope
                )
            )
    RoleAssignment.objects.bulk_create(roles, batch_size=2000)

    if copy == 1:
        _record_logins(world, school, spec, users, staff_rows)
    return school


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


def _group_leader(world: DemoWorld, maker: _Maker, group: Organisation) -> None:
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
