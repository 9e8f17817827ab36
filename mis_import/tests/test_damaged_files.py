"""Whatever the bytes, every kind of import answers with rows or with errors that name a line: never an exception.

Damaged copies of each kind's sample file (bytes inserted and deleted, stray quotes, CRs and NULs, byte-order
marks, long runs, saved in four encodings with three kinds of line ending) go through the reader, and through
the whole plan (the reader, then matching against the school's records) of a job of that kind.
"""

from __future__ import annotations

import codecs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.testing.personas import build_school_world
from mis_import.columns import KINDS
from mis_import.models import ImportJob
from mis_import.reader import read
from mis_import.samples import sample_files
from mis_import.services import max_rows, plan_import

SAMPLES = {name.removesuffix(".csv"): text for name, text in sample_files().items()}
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "utf-16")  # as Excel and MIS exports save CSV files
CHOSEN = [value for value, _ in ImportJob.Encoding.choices]
SPECIAL = [
    b'"',
    b'""',
    b"\r",
    b"\n",
    b"\r\n",
    b"\x00",
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    b",",
    b";",
    b"\t",
    b"\xa3",  # £ in Windows-1252
    b"\xc3",  # half a UTF-8 character
    b"=",
]


@st.composite
def damaged_files(draw: st.DrawFn, kind: str) -> bytes:
    text = SAMPLES[kind]
    text = text.replace("\r\n", draw(st.sampled_from(["\r\n", "\n", "\r"])))
    raw = text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(raw)))
        action = draw(st.sampled_from(["insert", "delete", "special", "run"]))
        if action == "insert":
            raw = raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
        elif action == "delete":
            raw = raw[:at] + raw[at + draw(st.integers(1, 40)) :]
        elif action == "special":
            raw = raw[:at] + draw(st.sampled_from(SPECIAL)) + raw[at:]
        else:  # a long run: past the csv module's 128 KB cell limit, or a long line of separators or quotes
            run = draw(st.sampled_from([b"x", b'"', b",", b"\r", b"\xe9"])) * draw(
                st.sampled_from([300, 140_000])
            )
            raw = raw[:at] + run + raw[at:]
    return raw


def _answers(parsed, errors) -> None:
    assert parsed.rows or errors, "neither rows nor errors"
    for error in errors:
        assert isinstance(error.line, int) and error.line >= 0 and error.message


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_it_reads_any_damaged_file_of_every_kind_without_raising(kind):
    """The reader alone: 150 damaged files a kind, the same every run."""

    @settings(max_examples=150, derandomize=True, deadline=None, database=None)
    @given(raw=damaged_files(kind), encoding=st.sampled_from(CHOSEN))
    def check(raw: bytes, encoding: str) -> None:
        parsed = read(raw, encoding, KINDS[kind], max_rows=max_rows(KINDS[kind]))
        _answers(parsed, parsed.errors)
        if parsed.fatal:
            assert parsed.errors and not parsed.rows

    check()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_it_plans_any_damaged_file_of_every_kind_without_raising(kind):
    """The reader and the planner that matches rows to the school's records (read-only): 40 files a kind."""
    world = build_school_world()

    @settings(
        max_examples=40,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(raw=damaged_files(kind), encoding=st.sampled_from(CHOSEN), whole=st.booleans())
    def check(raw: bytes, encoding: str, whole: bool) -> None:
        job = ImportJob(
            organisation=world.school,
            uploaded_by=world.admin,
            imported_by=world.admin,
            kind=kind,
            encoding=encoding,
            content=raw,
            is_whole_file=whole and kind in ("pupils", "groups", "staff"),
        )
        parsed, plan = plan_import(job)
        _answers(parsed, plan.errors)

    check()


def test_it_names_the_line_of_a_stray_carriage_return_in_the_header():
    """The crash found by damaging files at random: a CR inside the header line once raised `_csv.Error`."""
    raw = SAMPLES["pupils"].replace("Legal Surname", "Legal Sur\rname", 1).encode()
    parsed = read(raw, "auto", KINDS["pupils"], max_rows=100)
    assert parsed.fatal and parsed.errors[0].line == 1
    assert "Missing required column" in parsed.errors[0].message


def test_it_names_the_line_of_a_cell_that_runs_past_the_csv_limit():
    """A stray quote that swallows the rest of a long file names the line the quote opened on."""
    lines = SAMPLES["pupils"].split("\r\n")
    lines[3] = lines[3].replace(",", ',"', 1)
    raw = ("\r\n".join(lines) + "x" * 140_000).encode()
    parsed = read(raw, "utf-8", KINDS["pupils"], max_rows=100)
    assert parsed.fatal and parsed.errors[0].line == 4
    assert parsed.errors[0].message.startswith("Line 4 cannot be read as CSV")


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_it_reads_every_line_ending_and_encoding_alike(ending, encoding):
    """CR LF (Windows), LF and CR alone (Excel for Mac); UTF-8 with or without a byte-order mark, Windows-1252
    and UTF-16: the same rows, detected without being told."""
    text = SAMPLES["pupils"].replace("\r\n", ending)
    expected = read(SAMPLES["pupils"].encode(), "utf-8", KINDS["pupils"], max_rows=100)
    parsed = read(text.encode(encoding, errors="replace"), "auto", KINDS["pupils"], max_rows=100)
    assert not parsed.errors
    assert [r.line for r in parsed.rows] == [r.line for r in expected.rows]
    if encoding != "cp1252":  # the sample holds names (Ayşe) that Windows-1252 cannot write
        assert [r.values for r in parsed.rows] == [r.values for r in expected.rows]
