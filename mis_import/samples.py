"""Deterministic sample files in the shape MIS exports take (used by docs/samples/ and the tests)."""

from __future__ import annotations

import csv
import datetime
import io
import random

from people.validation import upn_check_letter

FIRST = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Freya",
    "Lily",
    "Grace",
    "Sophia",
    "Zara",
    "Aisha",
    "Chloe",
    "Noah",
    "Oliver",
    "George",
    "Arthur",
    "Leo",
    "Harry",
    "Oscar",
    "Muhammad",
    "Jack",
    "Theo",
    "Finley",
    "Kai",
    "Zoë",
    "Siân",
    "Niamh",
    "Seán",
    "Ayşe",
    "Chloé",
]
LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Khan",
    "Ahmed",
    "O'Brien",
    "Nowak",
    "Okafor",
    "Begum",
    "Müller",
]
PUPIL_HEADER = [
    "UPN",
    "Adno",
    "Legal Surname",
    "Legal Forename",
    "Preferred Forename",
    "DOB",
    "Gender",
    "Year",
    "Reg Group",
    "SEN Status",
]


def make_upn(serial: int, la: int = 891, establishment: int = 4321) -> str:
    """A valid UPN: check letter, LA code, establishment number, year of issue and a serial."""
    rest = f"{la:03d}{establishment:04d}{(serial // 1000) % 100:02d}{serial % 1000:03d}"
    return upn_check_letter(rest) + rest


def pupil_rows(
    count: int, seed: int = 2026, first_year: int = 7, start: datetime.date | None = None
) -> list[list[str]]:
    """`count` pupils spread over years 7 to 13, four forms a year, as a SIMS-style export."""
    rng = random.Random(seed)
    september = start or datetime.date(2026, 9, 1)
    rows = []
    for n in range(count):
        year = first_year + n % 7
        born = datetime.date(september.year - year - 5, 9, 1) + datetime.timedelta(days=rng.randrange(365))
        first = rng.choice(FIRST)
        known_as = first[:3] if rng.random() < 0.05 else ""
        rows.append(
            [
                make_upn(n + 1),
                f"{100000 + n}",
                rng.choice(LAST),
                first,
                known_as,
                born.strftime("%d/%m/%Y"),
                rng.choice("FM"),
                str(year),
                f"{year}{'ABCD'[rng.randrange(4)]}",
                rng.choice("NNNNNNNNKE"),
            ]
        )
    return rows


def to_csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _contacts_file(pupils: list[list[str]]) -> str:
    """contacts.csv: a mother for every sample pupil, and a father for every third."""
    rng = random.Random(8)
    contact_rows = []
    for i, p in enumerate(pupils):
        surname = p[2]
        contact_rows.append(
            [
                p[0],
                f"C{5000 + i * 2}",
                "Mrs",
                rng.choice(["Sarah", "Emma", "Fatima", "Joanne"]),
                surname,
                "Mother",
                "Y",
                "1",
                "Y",
                f"parent{i * 2}@example.org",
                "020 7946 0" + f"{i:03d}",
                "+44 7700 900" + f"{i:03d}",
                f"{i + 1} Church Lane, Oakfield OX1 {i}AB",
            ]
        )
        if i % 3 == 0:
            contact_rows.append(
                [
                    p[0],
                    f"C{5001 + i * 2}",
                    "Mr",
                    rng.choice(["David", "Imran", "Michael", "Tom"]),
                    surname,
                    "Father",
                    "Y",
                    "2",
                    "N",
                    f"parent{i * 2 + 1}@example.org",
                    "",
                    "07700 900" + f"{i + 500:03d}",
                    "",
                ]
            )
    return to_csv(
        [
            "UPN",
            "Contact ID",
            "Title",
            "Contact Forename",
            "Contact Surname",
            "Relationship",
            "Parental Responsibility",
            "Priority",
            "Lives With Pupil",
            "Email",
            "Telephone",
            "Mobile",
            "Address",
        ],
        contact_rows,
    )


def sample_files() -> dict[str, str]:
    """The small files in docs/samples/: one per import kind, consistent with each other."""
    pupils = pupil_rows(12, seed=7)
    files = {"pupils.csv": to_csv(PUPIL_HEADER, pupils)}
    files["contacts.csv"] = _contacts_file(pupils)
    files["staff.csv"] = to_csv(
        ["Staff Code", "Title", "Forename", "Surname", "Work Email", "Job Title"],
        [
            ["JBR", "Mr", "James", "Bradley", "j.bradley@oakfield.example", "Teacher of History"],
            ["AOK", "Ms", "Adaeze", "Okoro", "a.okoro@oakfield.example", "Teacher of Mathematics"],
            ["HPA", "Mrs", "Helen", "Park", "h.park@oakfield.example", "Pastoral & Attendance Lead"],
            ["RSI", "Dr", "Rhys", "Sinclair", "r.sinclair@oakfield.example", "Teacher of Chemistry"],
        ],
    )
    group_rows = []
    tutors = {"7": "j.bradley@oakfield.example", "8": "a.okoro@oakfield.example"}
    for p in pupils:
        if p[7] in tutors:
            group_rows.append(
                [f"REG-{p[8]}", p[8], "Tutor", p[7], p[0], tutors[p[7]], "h.park@oakfield.example"]
            )
    group_rows.append(["HSE-N", "Newton", "House", "", pupils[2][0], "", ""])
    files["groups.csv"] = to_csv(
        ["Group ID", "Group Name", "Group Type", "Year", "UPN", "Tutor Email", "PAL Email"], group_rows
    )
    from mis_import.registry import REGISTERED  # kinds other apps add (attendance marks), for the same pupils

    files.update({f"{key}.csv": registered.sample() for key, registered in REGISTERED.items()})
    return files
