"""Background work: checking an uploaded file row by row (the database backend runs it; tests run it at once)."""

from __future__ import annotations

from django_tasks import task


@task()
def check_import(job_id: int) -> None:
    from mis_import.services import job_check

    job_check(job_id=job_id)


@task()
def run_import(job_id: int) -> None:
    from mis_import.services import job_commit

    job_commit(job_id=job_id)
