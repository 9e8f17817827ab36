"""Import kinds another app adds to the MIS import (attendance adds its marks).

The foundation's four kinds (pupils, contacts, groups, staff) are planned in `mis_import.services` and
imported by the school administrator. A registered kind brings its columns, its planner (which checks the
rows against the app's own rules and prepares the bulk writes), the roles that may import it and the page
its files are uploaded from. It then gets everything the framework gives: one reader, a background check
with progress, the preview with row-level errors, and an all-or-nothing import.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mis_import.columns import KINDS, ImportKind

if TYPE_CHECKING:
    from mis_import.models import ImportJob
    from mis_import.plans import Plan
    from mis_import.reader import ParsedFile

# (job, parsed file, today, lock) -> plan. `lock` is True when planning inside the import's transaction:
# the planner then locks the rows its writes will change.
Planner = Callable[["ImportJob", "ParsedFile", datetime.date, bool], "Plan"]


@dataclass(frozen=True)
class RegisteredKind:
    kind: ImportKind
    plan: Planner
    roles: frozenset[Any]  # the roles (in the job's organisation) that may upload, see and import these files
    upload_url: str  # the URL name of the page its files are uploaded from
    upload_label: str  # that page's name, for the way back to it
    sample: Callable[[], str]  # a small valid file (docs/samples/<key>.csv, and the tests' starting point)
    # The upload page mis_import serves for the kind (`mis_import.views.kind_upload`, routed by the registering app
    # under `upload_url`): its heading, the paragraph under it, what files and rows hold ("marks", "mark") and the
    # file field's help.
    title: str = ""
    intro: str = ""
    noun: str = "files"
    row_noun: str = "record"
    file_help: str = ""


REGISTERED: dict[str, RegisteredKind] = {}


def register_import_kind(
    kind: ImportKind,
    *,
    plan: Planner,
    roles: frozenset[Any],
    upload_url: str,
    upload_label: str,
    sample: Callable[[], str],
    title: str = "",
    intro: str = "",
    noun: str = "files",
    row_noun: str = "record",
    file_help: str = "",
) -> None:
    """Add a kind of file to the MIS import (call from an AppConfig.ready)."""
    REGISTERED[kind.key] = RegisteredKind(
        kind,
        plan,
        frozenset(roles),
        upload_url,
        upload_label,
        sample,
        title,
        intro,
        noun,
        row_noun,
        file_help,
    )
    KINDS[kind.key] = kind
