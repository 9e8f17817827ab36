"""The schools of the demo world: who they are (SCHOOLS), their calendars, groups, pupils, parents and carers, and
staff in every role, made in bulk from one seeded random generator."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from access.models import RoleAssignment
from access.roles import Role
from accounts.models import User
from demo import names
from demo.registry import DemoWorld
from organisations.models import AcademicYear, AssociationMembership, Closure, Organisation, Site, Term
from people.models import Contact, Group, GroupMembership, Pupil, PupilContact, StaffMember
from people.validation import upn_check_letter


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
        480,
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


def _weekday_on_or_after(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _friday_nearest(day: datetime.date) -> datetime.date:
    """The Friday nearest `day` (Saturday to Monday: the Friday before; Tuesday to Thursday: the one after)."""
    return day + datetime.timedelta(days=(4 - day.weekday() + 3) % 7 - 3)


def term_dates(year: AcademicYear) -> list[tuple[str, datetime.date, datetime.date, datetime.date]]:
    """(term, start, end, half-term Monday) in the usual English pattern for a year: each term starts on a Monday
    and ends on the Friday nearest its usual end date, worked out afresh for each year (a fixed day and month falls
    on a weekend one year in three)."""
    y = year.starts_on.year
    autumn = (
        _weekday_on_or_after(datetime.date(y, 9, 3), 0),
        _friday_nearest(datetime.date(y, 12, 18)),
        _weekday_on_or_after(datetime.date(y, 10, 26), 0),
    )
    spring = (
        _weekday_on_or_after(datetime.date(y + 1, 1, 5), 0),
        _friday_nearest(datetime.date(y + 1, 3, 27)),
        _weekday_on_or_after(datetime.date(y + 1, 2, 15), 0),
    )
    summer = (
        _weekday_on_or_after(datetime.date(y + 1, 4, 13), 0),
        _friday_nearest(datetime.date(y + 1, 7, 17)),
        _weekday_on_or_after(datetime.date(y + 1, 5, 25), 0),
    )
    return [("autumn", *autumn), ("spring", *spring), ("summer", *summer)]


def make_upn(rng: random.Random, la_code: str, estab: int, year_allocated: int) -> str:
    rest = f"{la_code}{estab:04d}{year_allocated % 100:02d}{rng.randint(0, 999):03d}"
    return upn_check_letter(rest) + rest


class Maker:
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


def build_school(
    world: DemoWorld,
    maker: Maker,
    spec: SchoolSpec,
    copy: int,
    parent: Organisation | None,
    years: list[AcademicYear],
    pupils_per_school: int | None,
) -> tuple[Organisation, list[User], list[StaffRow]]:
    """One school of the demo world (or its `copy`th copy, for scale): its calendar, groups, pupils and their
    contacts, and staff in every role."""
    school, site = _new_school(maker, spec, copy, parent)
    _school_calendar(school, years)
    total = pupils_per_school or spec.pupils
    per_year = max(1, total // len(spec.years))
    estab = maker.rng.randint(4000, 6999)
    groups = _school_groups(world, school, site, spec, per_year)
    pupils = _school_pupils(world, maker, school, site, spec, copy, per_year, estab, groups)
    _school_contacts(maker, school, pupils)
    staff_rows = _staff_rows(maker, spec, groups)
    domain = spec.email_domain if copy == 1 else f"{copy}.{spec.email_domain}"
    users = _school_staff(world, maker, school, site, spec, copy, domain, staff_rows)
    return school, users, staff_rows


def _new_school(
    maker: Maker, spec: SchoolSpec, copy: int, parent: Organisation | None
) -> tuple[Organisation, Site]:
    rng = maker.rng
    suffix = "" if copy == 1 else f" ({copy})"
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
    return school, site


def _school_calendar(school: Organisation, years: list[AcademicYear]) -> None:
    """Terms, half terms, the first day of each term as a training day, and the early May bank holiday."""
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


@dataclass
class _SchoolGroups:
    year_groups: dict[int, Group]
    houses: list[Group]
    tutor_groups: dict[int, list[Group]]  # tutor groups (courses in a college) of each year


def _tutor_group_name(spec: SchoolSpec, y: int, i: int) -> str:
    if spec.kind == "college":
        return f"{COURSES[(i + y) % len(COURSES)]} Y{y - 11} {chr(65 + i)}"
    house = spec.houses[i % len(spec.houses)][0] if spec.houses else chr(65 + i)
    return f"{'R' if y == 0 else y}{house}{i + 1 if spec.houses else ''}"


def _school_groups(
    world: DemoWorld, school: Organisation, site: Site, spec: SchoolSpec, per_year: int
) -> _SchoolGroups:
    """Year groups, houses and enough tutor groups (or courses) for the pupils of each year."""
    current = world.academic_year
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
        forms = max(1, round(per_year / (26 if spec.kind == "college" else 22)))
        tutor_groups[y] = [
            Group(
                organisation=school,
                academic_year=current,
                kind="course" if spec.kind == "college" else "tutor",
                name=_tutor_group_name(spec, y, i),
                year_group=y,
                mis_id=f"T-{y}-{i}",
                site=site,
            )
            for i in range(forms)
        ]
    Group.objects.bulk_create(
        list(year_groups.values()) + houses + [g for gs in tutor_groups.values() for g in gs]
    )
    return _SchoolGroups(year_groups, houses, tutor_groups)


def _new_pupil(
    maker: Maker,
    school: Organisation,
    site: Site,
    spec: SchoolSpec,
    copy: int,
    current: AcademicYear,
    estab: int,
    y: int,
    n: int,
) -> Pupil:
    rng = maker.rng
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
    return Pupil(
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


def _school_pupils(
    world: DemoWorld,
    maker: Maker,
    school: Organisation,
    site: Site,
    spec: SchoolSpec,
    copy: int,
    per_year: int,
    estab: int,
    groups: _SchoolGroups,
) -> list[Pupil]:
    """The pupils of each year, each in their year group, a tutor group and (where there are houses) a house."""
    current = world.academic_year
    pupils: list[Pupil] = []
    pupil_groups: list[tuple[int, list[Group]]] = []
    for y in spec.years:
        for n in range(per_year):
            pupils.append(_new_pupil(maker, school, site, spec, copy, current, estab, y, n))
            chosen = [groups.year_groups[y], groups.tutor_groups[y][n % len(groups.tutor_groups[y])]]
            if groups.houses:
                chosen.append(groups.houses[n % len(groups.houses)])
            pupil_groups.append((len(pupils) - 1, chosen))
    # UPNs must be unique within a school: re-draw the rare collision.
    seen: set[str] = set()
    for pupil in pupils:
        while pupil.upn and pupil.upn in seen:
            pupil.upn = make_upn(maker.rng, spec.la_code, estab, maker.rng.randint(2010, 2026))
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
    return pupils


def _new_contact(maker: Maker, school: Organisation, pupil: Pupil, p: int) -> Contact:
    rng = maker.rng
    sex = "F" if p == 0 else "M"
    first = rng.choice(names.GIRLS if sex == "F" else names.BOYS)
    last = pupil.legal_last_name if rng.random() < 0.8 else rng.choice(names.SURNAMES)
    return Contact(
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


def _school_contacts(maker: Maker, school: Organisation, pupils: list[Pupil]) -> None:
    """One or two parents or carers for each pupil."""
    rng = maker.rng
    contacts, links = [], []
    for pupil in pupils:
        count = rng.choices((1, 2), weights=(30, 70))[0]
        for p in range(count):
            contacts.append(_new_contact(maker, school, pupil, p))
            # The first contact is a woman (see _new_contact), the second a man: the relationship agrees.
            relationship = (
                rng.choices(["mother", "carer", "grandparent", "foster_carer"], weights=(90, 4, 4, 2))[0]
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


# (first, last, role, job title, scope of the role, sex: "F" or "M", which gives the title)
StaffRow = tuple[str, str, str, str, dict[str, Any], str]


def _staff_row(maker: Maker, role: str, job_title: str, scope: dict[str, Any]) -> StaffRow:
    first, last, sex = maker.person_name()
    return first, last, role, job_title, scope, sex


def _staff_rows(maker: Maker, spec: SchoolSpec, groups: _SchoolGroups) -> list[StaffRow]:
    """Staff: a tutor per group, a head of each year, the whole-school roles; PALs with caseloads in colleges."""
    staff_rows: list[StaffRow] = []
    for y in spec.years:
        for group in groups.tutor_groups[y]:
            staff_rows.append(
                _staff_row(
                    maker,
                    Role.TUTOR,
                    "Course tutor" if spec.kind == "college" else "Form tutor",
                    {"group": group},
                )
            )
        if spec.kind != "college":
            staff_rows.append(
                _staff_row(
                    maker, Role.HEAD_OF_YEAR, f"Head of {groups.year_groups[y].name}", {"year_group": y}
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
        staff_rows.append(_staff_row(maker, role, title, {}))
    if spec.kind == "college":
        caseload = [g for y in spec.years for g in groups.tutor_groups[y]]
        for i in range(0, len(caseload), 16):
            staff_rows.append(
                _staff_row(maker, Role.PAL, "Pastoral & Attendance Lead", {"groups": caseload[i : i + 16]})
            )
    return staff_rows


def _school_staff(
    world: DemoWorld,
    maker: Maker,
    school: Organisation,
    site: Site,
    spec: SchoolSpec,
    copy: int,
    domain: str,
    staff_rows: list[StaffRow],
) -> list[User]:
    """A user, a staff record and the role (scoped to a group, a year or the school) of each staff row."""
    rng, current = maker.rng, world.academic_year
    users = [
        User(
            email=maker.email_for(first, last, domain),
            full_name=f"{first} {last}",
            password=maker.password_hash,
        )
        for first, last, _role, _title, _scope, _sex in staff_rows
    ]
    User.objects.bulk_create(users, batch_size=2000)
    StaffMember.objects.bulk_create(
        [
            StaffMember(
                organisation=school,
                user=user,
                mis_id=f"S{copy}{spec.key[:3].upper()}{i:04d}",
                title=rng.choice(names.ADULT_TITLES_F if row[5] == "F" else names.ADULT_TITLES_M),
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
    for user, (_first, _last, held, _title, scope, _sex) in zip(users, staff_rows, strict=True):
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
    return users
