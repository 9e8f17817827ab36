"""Hand-built child protection files as a previous school sends them (`pastoral-cp-file/1`), for the tests of
receiving one."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from typing import Any

PDF = b"%PDF-1.4\n% a previous school's chronology\n%%EOF\n"

DOCUMENT: dict[str, Any] = {
    "format": "pastoral-cp-file/1",
    "generated_at": "2026-10-19T09:30:00+00:00",
    "from_school": "Hillside Primary",
    "pupil": {"first_name": "Alice", "last_name": "Archer", "date_of_birth": "2012-03-04", "upn": ""},
    "statuses": [
        {
            "id": 3,
            "status": "cin",
            "starts_on": "2025-11-03",
            "note": "Child in need plan agreed.",
            "recorded_by": 7,
            "recorded_at": "2025-11-03T15:00:00+00:00",
            "by_name": "Harriet Hill",
        }
    ],
    "concerns": [
        {
            "id": 11,
            "logged_by": 8,
            "logged_at": "2025-09-15T08:40:00+00:00",
            "happened_at": "2025-09-15T08:30:00+00:00",
            "location": "Playground",
            "category": "neglect",
            "seen_or_heard": "Came in without a coat again.",
            "child_words": "Mum forgot.",
            "others_present": "",
            "corrects": None,
            "correction_reason": "",
            "by_name": "Terry Teacher",
        }
    ],
    "decisions": [
        {
            "id": 21,
            "concern": 11,
            "outcome": "early_help",
            "reason": "Pattern since July: early help assessment.",
            "decided_by": 7,
            "decided_at": "2025-09-16T12:00:00+00:00",
            "corrects": None,
        }
    ],
    "referrals": [
        {
            "id": 31,
            "agency": 4,
            "concern": 11,
            "made_on": "2025-10-01",
            "made_by": 7,
            "reason": "Early help assessment.",
            "consent": "given",
            "consent_note": "",
            "answer_due_on": "2025-10-15",
            "source": "",
            "source_ref": "",
            "recorded_at": "2025-10-01T10:00:00+00:00",
            "agency_name": "Borough Early Help",
        }
    ],
    "chronology_entries": [
        {
            "id": 41,
            "kind": "contact",
            "occurred_on": "2025-09-20",
            "summary": "Phoned mum about the coat.",
            "recorded_by": 7,
            "recorded_at": "2025-09-20T16:00:00+00:00",
            "corrects": None,
        }
    ],
}


def document(**changes: Any) -> dict[str, Any]:
    found = copy.deepcopy(DOCUMENT)
    found.update(changes)
    return found


def as_json(doc: dict[str, Any] | None = None) -> bytes:
    return json.dumps(doc or DOCUMENT).encode()


def as_zip(members: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (members or {"cp-file.pdf": PDF, "cp-file.json": as_json()}).items():
            archive.writestr(name, data)
    return buffer.getvalue()
