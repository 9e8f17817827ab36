"""The transferred child protection file's format, `pastoral-cp-file/1`: what the export writes, how a received
upload (the ZIP the link gives, or its JSON alone) is read and every field checked, and the previous school's
records turned into read-only chronology rows.

The JSON holds the sending school's records under fixed sections (`SECTIONS`), each record with exactly the
fields listed there (plus the optional names `OPTIONAL`); a record's numbers (its `id`, the concern a decision is
about, the entry a correction corrects) are the sending school's and are only checked to point inside the file.
Anything else is refused with a message naming the place (`concerns[2].logged_at: not a date and time`).
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.uploads import max_upload_bytes
from safeguarding.models import (
    Category,
    ChronologyEntry,
    Decision,
    ProtectionStatus,
    Referral,
    ReferralUpdate,
)

FORMAT = "pastoral-cp-file/1"
PDF_NAME, JSON_NAME = "cp-file.pdf", "cp-file.json"
MAX_RECORDS = 5000  # per section
MAX_ERRORS = 20

# (field, kind, detail): kind "id" (the record's number), "ref" (a number in the file, or null), "user" (the
# sending school's user number, or null), "text" (detail = the longest allowed), "date", "datetime", "choice"
# (detail = the choices). The section's "by" field names who recorded it.
Spec = tuple[str, str, Any]
SECTIONS: dict[str, tuple[str, list[Spec]]] = {
    "statuses": (
        "recorded_by",
        [
            ("id", "id", None),
            ("status", "choice", ProtectionStatus.Status),
            ("starts_on", "date", None),
            ("note", "text", 2000),
            ("recorded_by", "user", None),
            ("recorded_at", "datetime", None),
        ],
    ),
    "concerns": (
        "logged_by",
        [
            ("id", "id", None),
            ("logged_by", "user", None),
            ("logged_at", "datetime", None),
            ("happened_at", "datetime", None),
            ("location", "text", 200),
            ("category", "choice", Category),
            ("seen_or_heard", "text", 10000),
            ("child_words", "text", 10000),
            ("others_present", "text", 2000),
            ("corrects", "ref", "concerns"),
            ("correction_reason", "text", 2000),
        ],
    ),
    "decisions": (
        "decided_by",
        [
            ("id", "id", None),
            ("concern", "ref", "concerns"),
            ("outcome", "choice", Decision.Outcome),
            ("reason", "text", 5000),
            ("decided_by", "user", None),
            ("decided_at", "datetime", None),
            ("corrects", "ref", "decisions"),
        ],
    ),
    "referrals": (
        "made_by",
        [
            ("id", "id", None),
            ("agency", "user", None),
            ("concern", "ref", "concerns"),
            ("made_on", "date", None),
            ("made_by", "user", None),
            ("reason", "text", 5000),
            ("consent", "choice", Referral.Consent),
            ("consent_note", "text", 500),
            ("answer_due_on", "date", None),
            ("source", "text", 40),
            ("source_ref", "text", 40),
            ("recorded_at", "datetime", None),
        ],
    ),
    "referral_updates": (
        "recorded_by",
        [
            ("id", "id", None),
            ("referral", "ref", "referrals"),
            ("status", "choice", ReferralUpdate.Status),
            ("on", "date", None),
            ("reference", "text", 100),
            ("note", "text", 5000),
            ("recorded_by", "user", None),
            ("recorded_at", "datetime", None),
        ],
    ),
    "chronology_entries": (
        "recorded_by",
        [
            ("id", "id", None),
            ("kind", "choice", ChronologyEntry.Kind),
            ("occurred_on", "date", None),
            ("summary", "text", 5000),
            ("recorded_by", "user", None),
            ("recorded_at", "datetime", None),
            ("corrects", "ref", "chronology_entries"),
        ],
    ),
}
# Sections an earlier export may lack; fields every record may carry besides its own.
OPTIONAL_SECTIONS = frozenset({"referral_updates"})
OPTIONAL: dict[str, list[Spec]] = {
    "*": [("by_name", "text", 200)],
    "referrals": [("agency_name", "text", 200)],
    "referral_updates": [("agency_name", "text", 200)],
}
NOT_NULL_REFS = frozenset({("decisions", "concern"), ("referral_updates", "referral")})
PUPIL: list[Spec] = [
    ("first_name", "text", 200),
    ("last_name", "text", 200),
    ("date_of_birth", "date", None),
    ("upn", "upn", 20),
]
TOP = frozenset({"format", "generated_at", "from_school", "pupil", *SECTIONS})


def refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


# --- Writing (the export) -----------------------------------------------------------------------


def export_section(section: str, rows: Iterable[Any]) -> list[dict[str, Any]]:
    """The section's records as the format has them: its fields only (a foreign key as its number), with the
    name of who recorded each and, for referrals, the agency's name."""
    by, specs = SECTIONS[section]
    out = []
    for row in rows:
        record: dict[str, Any] = {}
        for name, kind, _ in specs:
            value = getattr(row, f"{name}_id" if kind in ("ref", "user") and name != "id" else name)
            record[name] = value.isoformat() if hasattr(value, "isoformat") else value
        record["by_name"] = getattr(getattr(row, by), "full_name", "")
        if section == "referrals":
            record["agency_name"] = row.agency.name
        elif section == "referral_updates":
            record["agency_name"] = row.referral.agency.name
        out.append(record)
    return out


# --- Reading an upload --------------------------------------------------------------------------


@dataclass
class Upload:
    """A received file, checked: the PDF (None when only the JSON came), the JSON's bytes and its document."""

    pdf: bytes | None
    raw_json: bytes
    document: dict[str, Any]


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB"


def read_bounded(upload: Any) -> bytes:
    """An uploaded file's bytes, never more than one past the limit (so a huge upload is refused unread)."""
    return bytes(upload.read(max_upload_bytes("SAFEGUARDING_MAX_TRANSFER_BYTES") + 1))


def read_upload(name: str, data: bytes) -> Upload:
    """Check an uploaded ZIP (its two members) or JSON file; a ValidationError on `file` says what is wrong."""
    limit = max_upload_bytes("SAFEGUARDING_MAX_TRANSFER_BYTES")
    if len(data) > limit:
        raise refuse(f"The file is larger than {_megabytes(limit)}.")
    if not data:
        raise refuse("The file is empty.")
    lower = name.lower()
    if lower.endswith(".json"):
        return Upload(None, data, parse_document(data))
    if not lower.endswith(".zip"):
        raise refuse(
            "Upload the ZIP the sending school's link gave you (cp-file-transfer-….zip), or the cp-file.json in it."
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise refuse("This is not a ZIP file (it may be damaged): download it again from the sending school.")
    pdf, raw = _members(data, limit)
    if not pdf.startswith(b"%PDF"):
        raise refuse(f"{PDF_NAME} in the ZIP is not a PDF.")
    return Upload(pdf, raw, parse_document(raw))


def _members(data: bytes, limit: int) -> tuple[bytes, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            expected = {PDF_NAME, JSON_NAME}
            if missing := sorted(expected - set(infos)):
                raise refuse(f"The ZIP has no {' and no '.join(missing)}: it is not a transferred CP file.")
            if extra := sorted(set(infos) - expected):
                raise refuse(f"The ZIP holds files a CP file does not: {', '.join(extra)}.")
            return _member(archive, infos[PDF_NAME], limit), _member(archive, infos[JSON_NAME], limit)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as error:
        raise refuse(
            f"The ZIP could not be read ({error}): download it again from the sending school."
        ) from None


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    if info.flag_bits & 0x1:
        raise refuse(f"{info.filename} in the ZIP is encrypted: Pastoral's transfers are not.")
    if info.file_size > limit:
        raise refuse(f"{info.filename} is larger than {_megabytes(limit)} once unpacked.")
    with archive.open(info) as member:
        content = member.read(limit + 1)  # the header's size may lie
    if len(content) > limit:
        raise refuse(f"{info.filename} is larger than {_megabytes(limit)} once unpacked.")
    return content


def parse_document(raw: bytes) -> dict[str, Any]:
    """The JSON, decoded and checked (`check_document`)."""
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise refuse(f"{JSON_NAME} is not text (UTF-8).") from None
    except json.JSONDecodeError as error:
        raise refuse(f"{JSON_NAME} is not valid JSON (line {error.lineno}: {error.msg}).") from None
    if not isinstance(document, dict):
        raise refuse(f"{JSON_NAME} does not hold a CP file (an object with its sections).")
    if document.get("format") != FORMAT:
        raise refuse(
            f"The file's format is {document.get('format')!r}, not {FORMAT!r}: Pastoral cannot read it."
        )
    if errors := check_document(document):
        shown = errors[:MAX_ERRORS] + (
            [f"…and {len(errors) - MAX_ERRORS} more."] if len(errors) > MAX_ERRORS else []
        )
        raise ValidationError({"file": shown})
    return document


# --- Checking every field -----------------------------------------------------------------------


def _value_problem(value: Any, kind: str, detail: Any) -> str:
    """'' when the value suits its kind, else what is wrong with it."""
    if kind == "id":
        return "" if type(value) is int and value > 0 else "not a record number"
    if kind in ("ref", "user"):
        return "" if value is None or (type(value) is int and value > 0) else "not a record number"
    if kind in ("text", "upn"):
        if value is None and kind == "upn":
            return ""
        if not isinstance(value, str):
            return "not text"
        return f"longer than {detail} characters" if len(value) > detail else ""
    if kind == "choice":
        return "" if value in detail.values else f"{value!r} is not one of {', '.join(detail.values)}"
    if kind == "date":
        return "" if _date(value) else "not a date (YYYY-MM-DD)"
    return "" if _datetime(value) else "not a date and time with its time zone"


def _date(value: Any) -> datetime.date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _datetime(value: Any) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        found = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return found if found.tzinfo is not None else None


def _check_record(
    where: str, record: Any, specs: list[Spec], optional: list[Spec] | None = None
) -> list[str]:
    if not isinstance(record, dict):
        return [f"{where}: not a record"]
    errors = [f"{where}: no {name}" for name, _, _ in specs if name not in record]
    allowed = {name: (kind, detail) for name, kind, detail in specs + (optional or [])}
    errors += [f"{where}: {key!r} is not a field of this format" for key in record if key not in allowed]
    for key, value in record.items():
        if key in allowed and (problem := _value_problem(value, *allowed[key])):
            errors.append(f"{where}.{key}: {problem}")
    return errors


def check_document(document: dict[str, Any]) -> list[str]:
    """Every problem with the document (none: it may be received)."""
    errors = [f"no {key}" for key in sorted(TOP - OPTIONAL_SECTIONS - set(document))]
    errors += [f"{key!r} is not a section of this format" for key in sorted(set(document) - TOP)]
    if not _datetime(document.get("generated_at")):
        errors.append("generated_at: not a date and time with its time zone")
    school = document.get("from_school")
    if not isinstance(school, str) or not school.strip() or len(school) > 200:
        errors.append("from_school: the sending school's name (up to 200 characters) is missing")
    errors += _check_record("pupil", document.get("pupil"), PUPIL)
    ids: dict[str, set[int]] = {}
    for section, (_, specs) in SECTIONS.items():
        rows = document.get(section, [])
        if not isinstance(rows, list) or len(rows) > MAX_RECORDS:
            errors.append(f"{section}: not a list of up to {MAX_RECORDS} records")
            continue
        optional = OPTIONAL["*"] + OPTIONAL.get(section, [])
        for n, record in enumerate(rows):
            errors += _check_record(f"{section}[{n}]", record, specs, optional)
        numbers = [r.get("id") for r in rows if isinstance(r, dict)]
        ids[section] = {i for i in numbers if type(i) is int}
        if len(ids[section]) != len(numbers):
            errors.append(f"{section}: two records share a number")
    return errors or _check_references(document, ids)


def _check_references(document: dict[str, Any], ids: dict[str, set[int]]) -> list[str]:
    errors = []
    for section, (_, specs) in SECTIONS.items():
        for n, record in enumerate(document.get(section, [])):
            for name, kind, target in specs:
                if kind != "ref":
                    continue
                value = record[name]
                if value is None and (section, name) in NOT_NULL_REFS:
                    errors.append(f"{section}[{n}].{name}: missing")
                elif value is not None and value not in ids[target]:
                    errors.append(f"{section}[{n}].{name}: no record #{value} in {target} of this file")
    return errors


# --- Chronology rows ----------------------------------------------------------------------------


def _labels(choices: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in choices.choices}


def _on(value: str) -> str:
    """A date and time's day where this school is (the row's date)."""
    found = _datetime(value)
    assert found is not None  # checked
    return timezone.localtime(found).date().isoformat()


def _logged(value: str) -> str:
    """'logged 7 Dec 2026' for a date and time."""
    day = datetime.date.fromisoformat(_on(value))
    return f"logged {day.day} {day:%b %Y}"


def chronology_rows(document: dict[str, Any]) -> list[list[Any]]:
    """The previous school's records as rows `[on, at, title, detail, by]` (ISO dates; `at` may be None), each
    title starting "From <school>:", with its original dates."""
    school = document["from_school"].strip()
    rows: list[list[Any]] = []

    def add(on: str, at: str | None, title: str, detail: str, record: dict[str, Any]) -> None:
        rows.append([on, at, f"From {school}: {title}", detail, record.get("by_name", "")])

    category, outcome = _labels(Category), _labels(Decision.Outcome)
    for c in document["concerns"]:
        words = f"\nThe child's words: {c['child_words']}" if c["child_words"] else ""
        # On the day it happened, as our own chronology places concerns; the day it was logged is said beside it.
        title = (
            f"Concern: {category[c['category']]}"
            + (" (a correction)" if c["corrects"] else "")
            + f" ({_logged(c['logged_at'])})"
        )
        add(_on(c["happened_at"]), c["happened_at"], title, f"{c['seen_or_heard']}{words}", c)
    for d in document["decisions"]:
        title = f"Decision: {outcome[d['outcome']]}" + (" (a correction)" if d["corrects"] else "")
        add(_on(d["decided_at"]), d["decided_at"], title, d["reason"], d)
    for r in document["referrals"]:
        add(
            r["made_on"],
            r["recorded_at"],
            f"Referral to {r.get('agency_name') or 'an agency'}",
            r["reason"],
            r,
        )
    steps = _labels(ReferralUpdate.Status)
    for u in document.get("referral_updates", []):
        title = f"Referral to {u.get('agency_name') or 'an agency'}: {steps[u['status']]}"
        add(u["on"], u["recorded_at"], title, u["note"], u)
    kinds, statuses = _labels(ChronologyEntry.Kind), _labels(ProtectionStatus.Status)
    for e in document["chronology_entries"]:
        title = kinds[e["kind"]] + (" (a correction)" if e["corrects"] else "")
        add(e["occurred_on"], e["recorded_at"], title, e["summary"], e)
    for s in document["statuses"]:
        add(
            s["starts_on"],
            s["recorded_at"],
            f"Child protection status: {statuses[s['status']]}",
            s["note"],
            s,
        )
    return sorted(rows, key=lambda row: (row[0], row[1] or ""))


def counts(document: dict[str, Any]) -> dict[str, int]:
    return {section: len(document.get(section, [])) for section in SECTIONS if document.get(section)}
