"""The sustained-save measurement: rounds added up, and every save in a later round changes marks."""

from __future__ import annotations

import datetime
import types

import pytest
from django.http import QueryDict

from bench.attendance import _Registers, _run, _summary


@pytest.mark.django_db
def test_a_run_says_which_variant_the_next_starts_from_past_every_one_it_saved():
    saved: dict[str, list[int]] = {}

    def save(slot, variant):
        saved.setdefault(slot, []).append(variant)

    first = _run(["a", "b", "c"], 0.02, save, start=4)
    assert first["saves"] == sum(len(v) for v in saved.values()) >= 1
    # Each register's variants go up one a pass round the chunk, from the start.
    for variants in saved.values():
        assert variants == list(range(4, 4 + len(variants)))
    latest = max(v for vs in saved.values() for v in vs)
    assert first["next_variant"] == latest + 1

    saved.clear()
    _run(["a", "b", "c"], 0.02, save, start=first["next_variant"])
    # The next run's first save of each register is one or two variants past its last: never the same marks.
    assert min(v for vs in saved.values() for v in vs) == latest + 1


def test_rounds_are_added_up_not_averaged():
    rounds = [
        {"workers": 2, "calls": 100, "seconds": 1.0, "web_cpu_seconds": 0.4, "db_cpu_seconds": 0.2},
        {"workers": 2, "calls": 300, "seconds": 1.0, "web_cpu_seconds": 0.8, "db_cpu_seconds": None},
    ]
    summary = _summary(rounds, "save")
    assert summary["saves"] == 400 and summary["rounds"] == 2
    assert summary["per_second"] == 200.0
    assert summary["web_cpu_ms_per_save"] == 3.0  # 1.2 s over 400 saves
    assert summary["db_cpu_ms_per_save"] is None  # one round could not see the database's CPU


def test_rounds_with_the_database_cpu_report_it_per_call():
    rounds = [
        {"workers": 1, "calls": 10, "seconds": 0.5, "web_cpu_seconds": 0.05, "db_cpu_seconds": 0.02},
        {"workers": 1, "calls": 30, "seconds": 0.5, "web_cpu_seconds": 0.15, "db_cpu_seconds": 0.06},
    ]
    summary = _summary(rounds, "request")
    assert summary["requests"] == 40 and summary["per_second"] == 40.0
    assert summary["web_cpu_ms_per_request"] == 5.0 and summary["db_cpu_ms_per_request"] == 2.0


def test_a_register_form_marks_every_tenth_pupil_absent_counted_from_the_variant_and_is_encoded_once():
    group = types.SimpleNamespace(pk=7)
    registers = _Registers(
        today=datetime.date(2026, 3, 2),
        groups=[],
        tutors={},
        members={7: list(range(100, 120))},
        slots=[],
        clients={},
    )
    url, body = registers.form((group, "AM"), 3)
    assert url.endswith("?date=2026-03-02&session=AM")
    posted = QueryDict(body)
    absent = [pid for pid in range(100, 120) if posted[f"code-{pid}"] == "N"]
    assert absent == [107, 117]  # (i + 3) % 10 == 0
    assert {posted[f"code-{pid}"] for pid in range(100, 120)} - {"N"} == {"/"}
    assert registers.form((group, "AM"), 13) is registers.form((group, "AM"), 3)  # ten patterns, made once
    assert QueryDict(registers.form((group, "PM"), 3)[1])["code-100"] == "\\"
