"""Each kind of bad file gives one clear message that names where it is, and nothing is written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.testing.personas import client_for
from core.testing.world import shared_world
from mis_import.models import ImportJob
from mis_import.samples import PUPIL_HEADER, pupil_rows, to_csv
from mis_import.tests.helpers import commit, upload
from people.models import Contact, Group, GroupMembership, Pupil

pytestmark = pytest.mark.django_db


world = shared_world()


@pytest.fixture
def admin(world):
    return client_for(world.admin)


def _counts() -> tuple[int, ...]:
    return (
        Pupil.objects.count(),
        Group.objects.count(),
        GroupMembership.objects.count(),
        Contact.objects.count(),
    )


def _rows(count: int = 5) -> list[list[str]]:
    return pupil_rows(count)


def _check(
    admin, capture, content: bytes, *, line: int, column: str, words: list[str], encoding: str = "utf-8"
):
    """Upload, expect exactly one error at (line, column) with these words, and no record written."""
    before = _counts()
    job = upload(admin, capture, content, encoding=encoding)
    assert job.status == ImportJob.Status.INVALID, job.summary
    assert len(job.errors) == 1, job.errors
    error = job.errors[0]
    assert (error["line"], error["column"]) == (line, column), error
    for word in words:
        assert word in error["message"], error["message"]
    page = admin.get(reverse("mis_import:job_detail", args=[job.pk])).content.decode()
    assert "Nothing can be imported from this file yet" in page
    commit(admin, job)
    assert job.status == ImportJob.Status.INVALID
    assert _counts() == before
    return error


def test_it_names_the_line_of_a_windows_1252_file_uploaded_as_utf8(admin, django_capture_on_commit_callbacks):
    rows = _rows()
    rows[2][2] = "Nuñez"
    content = to_csv(PUPIL_HEADER, rows).encode("cp1252")
    _check(
        admin,
        django_capture_on_commit_callbacks,
        content,
        line=4,
        column="",
        words=["Line 4 is not valid UTF-8", "Windows-1252"],
    )


def test_it_reads_the_same_file_when_windows_1252_is_chosen(world, admin, django_capture_on_commit_callbacks):
    rows = _rows()
    rows[2][2] = "Nuñez"
    job = upload(
        admin,
        django_capture_on_commit_callbacks,
        to_csv(PUPIL_HEADER, rows).encode("cp1252"),
        encoding="cp1252",
    )
    assert job.status == ImportJob.Status.READY
    commit(admin, job)
    assert Pupil.objects.filter(organisation=world.school, legal_last_name="Nuñez").exists()


def test_it_names_the_line_of_a_utf8_file_uploaded_as_windows_1252(admin, django_capture_on_commit_callbacks):
    rows = _rows()
    rows[3][3] = "Zoë"
    content = to_csv(PUPIL_HEADER, rows).encode("utf-8")
    _check(
        admin,
        django_capture_on_commit_callbacks,
        content,
        line=5,
        column="",
        words=["UTF-8, not Windows-1252", "line 5"],
        encoding="cp1252",
    )


def test_it_names_missing_columns_and_their_accepted_names(admin, django_capture_on_commit_callbacks):
    header = ["UPN", "Surname", "Forename", "Gender"]
    content = to_csv(header, [[r[0], r[2], r[3], r[6]] for r in _rows()]).encode()
    error = _check(
        admin,
        django_capture_on_commit_callbacks,
        content,
        line=1,
        column="",
        words=[
            "Missing required columns",
            "'Date of Birth' (accepted names: Date of Birth, DOB, Birth Date)",
            "'Year Group' (accepted names: Year Group, Year, NC Year, Year Taught In",
        ],
    )
    assert "Surname" not in error["message"].split("accepted")[0]


def test_it_needs_a_upn_or_mis_id_column(admin, django_capture_on_commit_callbacks):
    header = ["Surname", "Forename", "DOB", "Year"]
    content = to_csv(header, [[r[2], r[3], r[5], r[7]] for r in _rows()]).encode()
    _check(
        admin,
        django_capture_on_commit_callbacks,
        content,
        line=1,
        column="",
        words=["'UPN or MIS ID'", "Adno", "Unique Pupil Number"],
    )


def test_it_names_both_lines_of_a_duplicate_upn(admin, django_capture_on_commit_callbacks):
    rows = _rows()
    rows[3][0] = rows[1][0]
    _check(
        admin,
        django_capture_on_commit_callbacks,
        to_csv(PUPIL_HEADER, rows).encode(),
        line=5,
        column="UPN",
        words=[rows[1][0], "line 3 and line 5"],
    )


def test_it_names_both_lines_of_a_duplicate_mis_id(admin, django_capture_on_commit_callbacks):
    rows = _rows()
    rows[4][1] = rows[0][1]
    _check(
        admin,
        django_capture_on_commit_callbacks,
        to_csv(PUPIL_HEADER, rows).encode(),
        line=6,
        column="Adno",
        words=[f"MIS id {rows[0][1]}", "line 2 and line 6"],
    )


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2012-13-01", ["'2012-13-01' is not a real date"]),
        ("1/2/12", ["'1/2/12' is not a date", "dd/mm/yyyy"]),
        ("tomorrow", ["'tomorrow' is not a date"]),
    ],
)
def test_it_names_an_invalid_date(admin, django_capture_on_commit_callbacks, value, words):
    rows = _rows()
    rows[1][5] = value
    _check(
        admin,
        django_capture_on_commit_callbacks,
        to_csv(PUPIL_HEADER, rows).encode(),
        line=3,
        column="DOB",
        words=words,
    )


def test_it_accepts_both_date_styles(world, admin, django_capture_on_commit_callbacks):
    rows = _rows(2)
    rows[0][5], rows[1][5] = "31/01/2014", "2014-01-30"
    job = upload(admin, django_capture_on_commit_callbacks, to_csv(PUPIL_HEADER, rows).encode())
    assert job.status == ImportJob.Status.READY, job.errors
    commit(admin, job)
    births = sorted(
        str(d)
        for d in Pupil.objects.filter(
            organisation=world.school, mis_id__in=[rows[0][1], rows[1][1]]
        ).values_list("date_of_birth", flat=True)
    )
    assert births == ["2014-01-30", "2014-01-31"]


def test_it_refuses_a_upn_with_the_wrong_check_letter(admin, django_capture_on_commit_callbacks):
    rows = _rows()
    good = rows[2][0]
    rows[2][0] = ("B" if good[0] != "B" else "C") + good[1:]
    _check(
        admin,
        django_capture_on_commit_callbacks,
        to_csv(PUPIL_HEADER, rows).encode(),
        line=4,
        column="UPN",
        words=[rows[2][0], f"check letter does not match (expected {good[0]})"],
    )


@pytest.mark.parametrize("value", ["Nursery", "Y99", "Year Seven"])
def test_it_refuses_an_unknown_year_group(admin, django_capture_on_commit_callbacks, value):
    rows = _rows()
    rows[0][7] = value
    _check(
        admin,
        django_capture_on_commit_callbacks,
        to_csv(PUPIL_HEADER, rows).encode(),
        line=2,
        column="Year",
        words=[f"Unknown year group '{value}'"],
    )


def test_it_reads_the_year_groups_mis_exports_write(world, admin, django_capture_on_commit_callbacks):
    rows = _rows(5)
    for row, value in zip(rows, ["R", "Year 9", "Y10", "L6", "NC 13"], strict=True):
        row[7] = value
    commit(admin, upload(admin, django_capture_on_commit_callbacks, to_csv(PUPIL_HEADER, rows).encode()))
    years = [Pupil.objects.get(organisation=world.school, mis_id=r[1]).year_group for r in rows]
    assert years == [0, 9, 10, 12, 13]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://x.test","Click")', "'='"),
        ("@SUM(A1)", "'@'"),
        ("+Smith", "'+'"),
        ("-1+2", "'-'"),
        ("\tSmith", "a tab"),
    ],
)
def test_it_refuses_formula_injection_text(admin, django_capture_on_commit_callbacks, value, shown):
    rows = _rows()
    rows[2][2] = value
    _check(
        admin,
        django_capture_on_commit_callbacks,
        to_csv(PUPIL_HEADER, rows).encode(),
        line=4,
        column="Legal Surname",
        words=[f"starts with {shown}", "spreadsheet formula", "refused"],
    )


def test_it_says_an_empty_file_is_empty(admin):
    response = admin.post(
        reverse("mis_import:index"),
        {"kind": "pupils", "encoding": "utf-8", "file": SimpleUploadedFile("empty.csv", b"", "text/csv")},
    )
    assert response.status_code == 200
    assert "empty" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_it_says_a_file_with_only_blank_lines_is_empty(admin, django_capture_on_commit_callbacks):
    _check(
        admin,
        django_capture_on_commit_callbacks,
        b"\r\n\r\n  \r\n",
        line=1,
        column="",
        words=["The file is empty"],
    )


def test_it_says_a_header_without_rows_has_no_pupils(admin, django_capture_on_commit_callbacks):
    _check(
        admin,
        django_capture_on_commit_callbacks,
        to_csv(PUPIL_HEADER, []).encode(),
        line=2,
        column="",
        words=["header row but no pupils"],
    )


def test_it_refuses_too_many_rows(admin, django_capture_on_commit_callbacks, settings):
    settings.MIS_IMPORT_MAX_ROWS = 10
    _check(
        admin,
        django_capture_on_commit_callbacks,
        to_csv(PUPIL_HEADER, _rows(11)).encode(),
        line=1,
        column="",
        words=["11 rows", "at most 10", "Split it"],
    )


def test_it_refuses_an_unknown_site(world, admin, django_capture_on_commit_callbacks):
    world.school.sites.create(name="North Campus")
    header = [*PUPIL_HEADER, "Site"]
    rows = [[*r, "North Campus"] for r in _rows()]
    rows[1][-1] = "South"
    _check(
        admin,
        django_capture_on_commit_callbacks,
        to_csv(header, rows).encode(),
        line=3,
        column="Site",
        words=["Unknown site 'South'", "North Campus"],
    )


def test_it_lists_every_bad_row_at_once(admin, django_capture_on_commit_callbacks):
    rows = _rows(6)
    rows[0][5] = "99/99/2012"
    rows[3][7] = "Year 40"
    rows[5][6] = "Q"
    job = upload(admin, django_capture_on_commit_callbacks, to_csv(PUPIL_HEADER, rows).encode())
    assert [(e["line"], e["column"]) for e in job.errors] == [(2, "DOB"), (5, "Year"), (7, "Gender")]
    assert job.error_count == 3


def test_it_counts_lines_of_a_cell_that_spans_two(world, admin, django_capture_on_commit_callbacks):
    """A quoted address with a line break: the next row's problem is still named on its own line."""
    header = [*PUPIL_HEADER, "Notes"]
    rows = [[*r, ""] for r in _rows(3)]
    rows[0][-1] = "two\nlines"
    rows[1][5] = "32/01/2012"
    job = upload(admin, django_capture_on_commit_callbacks, to_csv(header, rows).encode())
    assert [(e["line"], e["column"]) for e in job.errors] == [(4, "DOB")]


def test_it_reads_semicolon_separated_files_with_other_header_names(
    world, admin, django_capture_on_commit_callbacks
):
    """Arbor- and Bromcom-style names, separated by semicolons as some European Excel installs save them."""
    header = [
        "Unique Pupil Number",
        "Person ID",
        "Last Name",
        "First Name",
        "Known As",
        "Date of Birth",
        "Sex",
        "Year Taught In",
        "Registration Group",
        "SEN Provision",
        "ULN",
    ]
    rows = [
        [r[0], r[1], r[2], r[3], "Jo", "2013-04-03", "Female", "Year 9", "9Z", "SEN Support", "1234567890"]
        for r in _rows(2)
    ]
    content = to_csv(header, rows).replace(",", ";").encode()
    job = upload(admin, django_capture_on_commit_callbacks, content)
    assert job.status == ImportJob.Status.READY, job.errors
    commit(admin, job)
    pupil = Pupil.objects.get(organisation=world.school, mis_id=rows[0][1])
    assert (pupil.preferred_first_name, pupil.sex, pupil.year_group, pupil.sen_status, pupil.uln) == (
        "Jo",
        "F",
        9,
        "K",
        "1234567890",
    )
    assert pupil.memberships.get().group.name == "9Z"
