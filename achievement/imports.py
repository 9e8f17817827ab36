"""Achievement as kinds of MIS import: grades (target and working-at per course and assessment point) and
initial assessments.

The MIS import framework reads the file, checks it in the background with progress, previews it with row-level
errors and imports every row or none. This module adds the rules: the pupil is found by UPN, then MIS id; the
course by its code (a new code makes a course, on the scale the row names); the assessment point by name and
date; target and working-at must be grades on the course's scale; a pupil has one row per course and point.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from achievement import services
from achievement.models import STANDARD_SCALES, AssessmentPoint, Course, GradeScale, InitialAssessment, Result
from mis_import.columns import PUPIL_MIS_ID, Column, ImportKind, parse_date, text
from mis_import.models import ImportJob
from mis_import.reader import ParsedFile, Row
from mis_import.services import Plan
from people.models import Pupil

_UPN = Column("upn", "UPN", ("Unique Pupil Number", "Pupil UPN"), text(20), help="Matched before the MIS id.")

GRADES = ImportKind(
    "grades",
    "Achievement: targets and working-at grades",
    (
        _UPN,
        PUPIL_MIS_ID,
        Column("course_code", "Course Code", ("Subject Code", "Course ID"), text(30), required=True),
        Column("course_name", "Course", ("Subject", "Course Name", "Subject Name"), text(100)),
        Column(
            "scale",
            "Scale",
            ("Grade Scale", "Qualification"),
            text(100),
            help="GCSE, A level, BTEC or the name of one of your own scales; needed for a new course.",
        ),
        Column("point", "Assessment Point", ("Data Drop", "Assessment"), text(100), required=True),
        Column("assessed_on", "Assessment Date", ("Date",), parse_date, required=True),
        Column("target", "Target", ("Target Grade",), text(10), required=True),
        Column("working_at", "Working At", ("Working At Grade", "Current Grade"), text(10), required=True),
    ),
    one_of=(("upn", "mis_id"),),
    max_rows_setting="ACHIEVEMENT_IMPORT_MAX_ROWS",
    max_rows_default=200_000,
)

INITIAL = ImportKind(
    "initial",
    "Achievement: initial assessment on entry",
    (
        _UPN,
        PUPIL_MIS_ID,
        Column("subject", "Subject", ("Assessment Subject",), text(100), required=True, help="e.g. English"),
        Column("result", "Result", ("Level", "Score", "Grade"), text(50), required=True),
        Column("assessed_on", "Date", ("Assessment Date", "Assessed On"), parse_date, required=True),
    ),
    one_of=(("upn", "mis_id"),),
)

SCALE_NAMES = {
    "gcse": "gcse",
    "gcse91": "gcse",
    "alevel": "a_level",
    "a level": "a_level",
    "btec": "btec",
    "vocational": "btec",
}


class _Pupils:
    """The school's pupils by UPN and by MIS id."""

    def __init__(self, organisation: Any) -> None:
        self.by_upn: dict[str, int] = {}
        self.by_mis: dict[str, int] = {}
        for pk, upn, mis_id in Pupil.objects.filter(organisation=organisation).values_list(
            "pk", "upn", "mis_id"
        ):
            if upn:
                self.by_upn[upn.upper()] = pk
            if mis_id:
                self.by_mis[mis_id] = pk

    def find(self, plan: Plan, row: Row, columns: dict[str, str], organisation: Any) -> int | None:
        upn, mis = (row.values.get("upn") or "").replace(" ", "").upper(), row.values.get("mis_id")
        found = (self.by_upn.get(upn) if upn else None) or (self.by_mis.get(mis) if mis else None)
        if found is None:
            said, column = (f"UPN {upn}", columns["upn"]) if upn else (f"MIS id {mis}", columns["mis_id"])
            plan.fail(
                row,
                column,
                f"No pupil with {said} at {organisation}: import pupils first, or correct the id.",
            )
        return found


def _scale_for(plan: Plan, row: Row, columns: dict[str, str], scales: dict[str, GradeScale]) -> Any:
    """The scale a row names: a standard key or one of the school's scales by name (case-insensitive)."""
    named = (row.values.get("scale") or "").strip()
    if not named:
        plan.fail(
            row, columns.get("scale", "Scale"), "A new course needs its grade scale (GCSE, A level, BTEC…)."
        )
        return None
    key = SCALE_NAMES.get(named.lower().replace("-", " ").replace("–", " ").strip(), named.lower())
    if key in STANDARD_SCALES:
        return key
    found = scales.get(named.lower())
    if found is None:
        plan.fail(
            row, columns["scale"], f"Unknown grade scale '{named}': use GCSE, A level, BTEC or one of yours."
        )
    return found


@dataclass
class _NewCourse:
    code: str
    name: str
    scale: Any  # a GradeScale, or the key of a standard scale not yet made for the school


def _scale_grades(scale: Any) -> list[str]:
    return STANDARD_SCALES[scale][1] if isinstance(scale, str) else scale.grades


def _position(grades: list[str], grade: str) -> int | None:
    upper = [g.upper() for g in grades]
    value = grade.strip().upper()
    return upper.index(value) if value in upper else None


def plan_grades(job: ImportJob, parsed: ParsedFile, today: datetime.date, lock: bool) -> Plan:
    """Check every row against the school's pupils, courses and scales and prepare the writes."""
    organisation = job.organisation
    plan = Plan(noun="results")
    columns = {**{c.field: c.label for c in GRADES.columns}, **parsed.columns}
    pupils = _Pupils(organisation)
    courses = {
        c.code.upper(): c for c in Course.objects.filter(organisation=organisation).select_related("scale")
    }
    scales = {s.name.lower(): s for s in GradeScale.objects.filter(organisation=organisation)}
    new_courses: dict[str, _NewCourse] = {}
    seen: dict[tuple[int, str, str, datetime.date], int] = {}
    wanted: list[services.ImportedResult] = []
    for row in parsed.rows:
        pupil_id = pupils.find(plan, row, columns, organisation)
        if pupil_id is None:
            continue
        v = row.values
        code = v["course_code"].strip().upper()
        course: Any = courses.get(code) or new_courses.get(code)
        if course is None:
            scale = _scale_for(plan, row, columns, scales)
            if scale is None:
                continue
            course = new_courses[code] = _NewCourse(code, v.get("course_name") or code, scale)
        grades = _scale_grades(course.scale)
        positions = {}
        for field in ("target", "working_at"):
            positions[field] = _position(grades, v[field])
            if positions[field] is None:
                plan.fail(
                    row,
                    columns[field],
                    f"'{v[field]}' is not a grade on {course.name}'s scale ({', '.join(grades)}).",
                )
        target, working_at = positions["target"], positions["working_at"]
        if target is None or working_at is None:
            continue
        key = (pupil_id, code, v["point"].strip(), v["assessed_on"])
        if key in seen:
            plan.fail(
                row,
                columns["course_code"],
                f"The same pupil, course and assessment point are on line {seen[key]} too.",
            )
            continue
        seen[key] = row.line
        wanted.append(
            services.ImportedResult(
                pupil_id=pupil_id,
                course_code=code,
                point_name=v["point"].strip(),
                assessed_on=v["assessed_on"],
                target=grades[target],
                working_at=grades[working_at],
                difference=working_at - target,
            )
        )
    if plan.errors or not wanted:
        return plan
    _count(plan, organisation, wanted, new_courses)
    new = list(new_courses.values())
    plan.writes.append(
        lambda: services.results_write(organisation=organisation, new_courses=new, results=wanted)
    )
    return plan


def _count(
    plan: Plan, organisation: Any, wanted: list[services.ImportedResult], new_courses: dict[str, Any]
) -> None:
    held = {
        (r.pupil_id, r.course.code.upper(), r.point.name, r.point.assessed_on): (r.target, r.working_at)
        for r in Result.objects.filter(
            organisation=organisation, pupil_id__in={w.pupil_id for w in wanted}
        ).select_related("course", "point")
    }
    for w in wanted:
        saved = held.get((w.pupil_id, w.course_code, w.point_name, w.assessed_on))
        if saved is None:
            plan.new += 1
        elif saved != (w.target, w.working_at):
            plan.updated += 1
        else:
            plan.unchanged += 1
    points = {(p.name, p.assessed_on) for p in AssessmentPoint.objects.filter(organisation=organisation)}
    plan.details = {
        "pupils": len({w.pupil_id for w in wanted}),
        "new courses": len(new_courses),
        "new assessment points": len({(w.point_name, w.assessed_on) for w in wanted} - points),
    }


def plan_initial(job: ImportJob, parsed: ParsedFile, today: datetime.date, lock: bool) -> Plan:
    """Check every initial-assessment row and prepare the writes (one result per pupil and subject)."""
    organisation = job.organisation
    plan = Plan(noun="initial assessments")
    columns = {**{c.field: c.label for c in INITIAL.columns}, **parsed.columns}
    pupils = _Pupils(organisation)
    seen: dict[tuple[int, str], int] = {}
    wanted: list[InitialAssessment] = []
    for row in parsed.rows:
        pupil_id = pupils.find(plan, row, columns, organisation)
        if pupil_id is None:
            continue
        subject = row.values["subject"].strip()
        key = (pupil_id, subject.lower())
        if key in seen:
            plan.fail(row, columns["subject"], f"The same pupil and subject are on line {seen[key]} too.")
            continue
        seen[key] = row.line
        wanted.append(
            InitialAssessment(
                organisation=organisation,
                pupil_id=pupil_id,
                subject=subject,
                result=row.values["result"].strip(),
                assessed_on=row.values["assessed_on"],
            )
        )
    if plan.errors or not wanted:
        return plan
    held = {
        (a.pupil_id, a.subject.lower()): a
        for a in InitialAssessment.objects.filter(
            organisation=organisation, pupil_id__in={w.pupil_id for w in wanted}
        )
    }
    plan.new = sum(1 for w in wanted if (w.pupil_id, w.subject.lower()) not in held)
    plan.updated = len(wanted) - plan.new
    plan.writes.append(
        lambda: services.initial_write(organisation=organisation, assessments=wanted, held=held)
    )
    return plan


def grades_sample() -> str:
    """docs/samples/grades.csv: two courses at one assessment point for the sample pupils."""
    from mis_import.samples import pupil_rows, to_csv

    rows = []
    for i, pupil in enumerate(pupil_rows(6, seed=7)):
        rows.append([pupil[0], "MA-GCSE", "Mathematics", "GCSE", "Autumn", "01/12/2026", "6", str(4 + i % 4)])
        rows.append([pupil[0], "EN-GCSE", "English", "GCSE", "Autumn", "01/12/2026", "5", str(3 + i % 4)])
    header = [
        "UPN",
        "Course Code",
        "Course",
        "Scale",
        "Assessment Point",
        "Assessment Date",
        "Target",
        "Working At",
    ]
    return to_csv(header, rows)


def initial_sample() -> str:
    """docs/samples/initial.csv: English and maths levels on entry for the sample pupils."""
    from mis_import.samples import pupil_rows, to_csv

    rows = []
    for i, pupil in enumerate(pupil_rows(6, seed=7)):
        rows.append([pupil[0], "English", f"Level {1 + i % 3}", "07/09/2026"])
        rows.append([pupil[0], "Maths", f"Level {1 + (i + 1) % 3}", "07/09/2026"])
    return to_csv(["UPN", "Subject", "Result", "Date"], rows)


def register() -> None:
    """Add grades and initial assessments to the MIS import, uploaded from the achievement import page."""
    from achievement.permissions import IMPORT_ROLES
    from mis_import.registry import register_import_kind

    for kind, plan, sample in ((GRADES, plan_grades, grades_sample), (INITIAL, plan_initial, initial_sample)):
        register_import_kind(
            kind,
            plan=plan,
            roles=IMPORT_ROLES,
            upload_url="achievement:import",
            upload_label="Achievement import",
            sample=sample,
        )
