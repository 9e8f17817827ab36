"""Demo data: the CP file a pupil's primary school sent (from outside Pastoral), put on their file here, so the
chronology shows the previous school's records marked "From Meadow Lane Primary"."""

from __future__ import annotations

import datetime
import json
from typing import Any

from safeguarding import cp_file
from safeguarding.services import received


def _moment(day: datetime.date, hour: int) -> str:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC).isoformat()


def document(pupil: Any, days: Any) -> dict[str, Any]:
    """A primary school's file: a neglect concern, its decision, a call to mother and an early help referral, on
    school days (`demo.SchoolDays`: the primary's terms are not known here, so this school's calendar stands in)."""
    seen, decided = days.ago(265), days.ago(264)
    called, referred = days.ago(259), days.ago(254)
    by = {"by_name": "Mrs P. Okafor (DSL)"}
    return {
        "format": cp_file.FORMAT,
        "generated_at": _moment(days.ago(20), 10),
        "from_school": "Meadow Lane Primary",
        "pupil": {
            "first_name": pupil.legal_first_name,
            "last_name": pupil.legal_last_name,
            "date_of_birth": pupil.date_of_birth.isoformat(),
            "upn": pupil.upn,
        },
        "statuses": [],
        "concerns": [
            {
                "id": 1,
                "logged_by": None,
                "logged_at": _moment(seen, 9),
                "happened_at": _moment(seen, 8),
                "location": "Breakfast club",
                "category": "neglect",
                "seen_or_heard": "Arrived hungry and in the same clothes as last week; asked for seconds.",
                "child_words": "We didn't have tea last night.",
                "others_present": "Breakfast club lead",
                "corrects": None,
                "correction_reason": "",
                "by_name": "Mr J. Hale (Year 6 teacher)",
            }
        ],
        "decisions": [
            {
                "id": 1,
                "concern": 1,
                "outcome": "early_help",
                "reason": "Third concern this term about food: early help with mother's consent.",
                "decided_by": None,
                "decided_at": _moment(decided, 12),
                "corrects": None,
                **by,
            }
        ],
        "referrals": [
            {
                "id": 1,
                "agency": None,
                "concern": 1,
                "made_on": referred.isoformat(),
                "made_by": None,
                "reason": "Early help assessment: food poverty, mother working nights.",
                "consent": "given",
                "consent_note": "",
                "answer_due_on": (referred + datetime.timedelta(days=14)).isoformat(),
                "source": "",
                "source_ref": "",
                "recorded_at": _moment(referred, 15),
                "agency_name": "Borough Early Help",
                **by,
            }
        ],
        "chronology_entries": [
            {
                "id": 1,
                "kind": "contact",
                "occurred_on": called.isoformat(),
                "summary": "Phoned mother: agreed to an early help assessment; food bank voucher given.",
                "recorded_by": None,
                "recorded_at": _moment(called, 16),
                "corrects": None,
                **by,
            }
        ],
    }


def build(world: Any, dsl: Any, pupil: Any) -> None:
    data = json.dumps(document(pupil, world.sg_days), indent=2).encode()
    received.receive_upload(actor=dsl, pupil=pupil, name="cp-file.json", data=data)
