"""Writes for MIS imports: the job lifecycle (mis_import.services.jobs: store, check, import) over the planners of
mis_import.plans."""

from mis_import.plans.common import BATCH_SIZE, Plan
from mis_import.services.jobs import (
    MAX_STORED_ERRORS,
    ImportRefused,
    job_check,
    job_commit,
    job_create,
    job_import_start,
    max_rows,
    plan_import,
)

__all__ = [
    "BATCH_SIZE",
    "MAX_STORED_ERRORS",
    "ImportRefused",
    "Plan",
    "job_check",
    "job_commit",
    "job_create",
    "job_import_start",
    "max_rows",
    "plan_import",
]
