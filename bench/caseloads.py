"""Build a trust of PALs' caseloads and time the real caseload views and the termly reports (JSON out).

    manage.py bench_caseloads                  # 20 schools × 1,000 pupils, PALs of 16 groups of 26, a year
    manage.py bench_caseloads --smoke          # 2 tiny schools: proves it runs, measures nothing worth reporting
    manage.py bench_caseloads --schools 4 --pupils 420 --reports 0   # a small size; skip the reports
    manage.py bench_caseloads --keep, then --reuse   # build once, measure the kept dataset again

The dataset: every school's pupils in tutor groups of `--group-size`, the groups dealt to PALs `--groups-per-pal`
at a time (one PAL role assignment per group), a year of group sessions (the entitlement of 8 a group across the
academic year: delivered before today, about one in twelve missed, the rest planned) and LPRs (every student
signed off in each closed window with a target, half of them in the open one). Server time is measured around
django.test.Client requests through the real URL, middleware and view; the reports are one caseload batch run
exactly as the background task runs it (`caseloads.services.reports.report_batch_run`, real WeasyPrint PDFs).
"""

from __future__ import annotations

import datetime
import gc
import random
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access.middleware import SESSION_KEY
from access.models import RoleAssignment
from access.roles import Role
from accounts.models import User
from bench.common import machine, stats, write_report
from caseloads.models import GroupSession, LearningTarget, Review, ReviewWindow, Topic
from caseloads.report_models import ReportBatch
from caseloads.services import academic_year_for, windows_for
from caseloads.services.reports import report_batch_run
from core.distribution import is_citus_connection
from organisations.models import Organisation
from people.models import Group, GroupMembership, Pupil

PREFIX = "bench-cl-"
TARGETS = {
    "pal_caseload_home_p95_ms": 150,
    "trust_lpr_completion_table_p95_ms": 500,
    "caseload_reports_seconds": 60,
}
SMOKE = {"schools": 2, "pupils": 20, "group_size": 5, "groups_per_pal": 2, "iterations": 3}


class Command(BaseCommand):
    help = (
        "Build the trust caseload dataset and report median/p95 server times and report generation as JSON."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--schools", type=int, default=20)
        parser.add_argument("--pupils", type=int, default=1000, help="Pupils a school.")
        parser.add_argument("--group-size", type=int, default=26)
        parser.add_argument("--groups-per-pal", type=int, default=16)
        parser.add_argument("--iterations", type=int, default=30, help="Timed requests per measurement.")
        parser.add_argument(
            "--reports",
            type=int,
            default=1,
            help="Time the termly reports of the first PAL's caseload (0: skip).",
        )
        parser.add_argument("--smoke", action="store_true", help="A tiny dataset: proves the benchmark runs.")
        parser.add_argument(
            "--keep", action="store_true", help="Leave the dataset in the database afterwards."
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Measure the dataset a previous --keep run left (same options), without building it again.",
        )
        parser.add_argument("--output", default="", help="Also write the JSON here.")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["smoke"]:
            opts.update(SMOKE)
        today = timezone.localdate()
        started = time.perf_counter()
        old = Organisation.objects.filter(slug=f"{PREFIX}trust").first()
        if opts["reuse"] and old is not None:
            trust, counts = old, {"reused": 1}
        else:
            if old is not None:
                _drop(old)
            trust, counts = _build(opts, today)
        build_seconds = time.perf_counter() - started
        with connection.cursor() as c:
            c.execute("ANALYZE")
        try:
            report = _measure(trust, opts)
        finally:
            gc.unfreeze()  # _measure froze the heap as a server does; a test run goes on
            if not opts["keep"]:
                _drop(trust)
        report["dataset"] = {**counts, "built_seconds": round(build_seconds, 1)}
        report["machine"] = machine()
        report["targets"] = TARGETS
        write_report(self.stdout, report, opts["output"])


# -- dataset ----------------------------------------------------------------------------------------


def _build(opts: dict[str, Any], today: datetime.date) -> tuple[Organisation, dict[str, int]]:
    rng = random.Random(20260901)
    year = academic_year_for(today)
    start = year.starts_on
    trust = Organisation.objects.create(
        slug=f"{PREFIX}trust", name="Bench Caseload Trust", kind=Organisation.Kind.GROUP
    )
    leader, _ = User.objects.get_or_create(
        email=f"{PREFIX}leader@bench.test", defaults={"full_name": "Leader"}
    )
    RoleAssignment.objects.create(organisation=trust, user=leader, role=Role.SENIOR_LEADER, starts_on=start)
    counts = dict.fromkeys(("schools", "pupils", "groups", "pals", "sessions", "reviews", "targets"), 0)
    with transaction.atomic():
        for s in range(opts["schools"]):
            school = Organisation.objects.create(
                slug=f"{PREFIX}school-{s + 1}", name=f"Bench College {s + 1}", kind="college", parent=trust
            )
            _school(school, s, opts, year, today, rng, counts)
    counts["schools"] = opts["schools"]
    return trust, counts


def _school(school, s, opts, year, today, rng, counts) -> None:
    per, size, per_pal = opts["pupils"], opts["group_size"], opts["groups_per_pal"]
    start = year.starts_on
    pupils = _bulk(
        Pupil,
        [
            Pupil(
                organisation=school,
                legal_first_name=f"P{i}",
                legal_last_name=f"S{s}-{i:04d}",
                mis_id=f"BC{s}-{i}",
                date_of_birth=datetime.date(2009, 1, 1),
                year_group=12 + i % 2,
            )
            for i in range(per)
        ],
        school,
    )
    n_groups = (per + size - 1) // size
    groups = _bulk(
        Group,
        [
            Group(organisation=school, kind=Group.Kind.TUTOR, name=f"G{g + 1:02d}", year_group=12 + g % 2)
            for g in range(n_groups)
        ],
        school,
    )
    GroupMembership.objects.bulk_create(
        [
            GroupMembership(organisation=school, group=groups[i // size], pupil=p, starts_on=start)
            for i, p in enumerate(pupils)
        ],
        batch_size=2000,
    )
    pals = []
    for k in range((n_groups + per_pal - 1) // per_pal):
        pal, _ = User.objects.get_or_create(
            email=f"{PREFIX}pal-{s + 1}-{k + 1}@bench.test", defaults={"full_name": f"PAL {s + 1}.{k + 1}"}
        )
        pals.append(pal)
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(
                organisation=school, user=pals[i // per_pal], role=Role.PAL, group=g, starts_on=start
            )
            for i, g in enumerate(groups)
        ]
    )
    topic = Topic.objects.create(organisation=school, academic_year=year, term=1, title="Study skills")
    sessions = []
    for i, g in enumerate(groups):
        pal = pals[i // per_pal]
        for k in range(8):  # the entitlement, spread over the year
            day = year.starts_on + datetime.timedelta(days=14 + k * 38)
            status = "planned" if day >= today or rng.random() < 1 / 12 else "delivered"
            sessions.append(
                GroupSession(
                    organisation=school,
                    academic_year=year,
                    group=g,
                    lead=pal,
                    topic=topic,
                    date=day,
                    starts_at=datetime.time(10),
                    ends_at=datetime.time(11),
                    status=status,
                )
            )
    GroupSession.objects.bulk_create(sessions, batch_size=2000)
    _reviews(school, year, today, pupils, groups, pals, per_pal, size, rng, counts)
    counts["pupils"] += per
    counts["groups"] += n_groups
    counts["pals"] += len(pals)
    counts["sessions"] += len(sessions)


def _reviews(school, year, today, pupils, groups, pals, per_pal, size, rng, counts) -> None:
    windows = [w for w in windows_for(school, year) if w.opens_on <= today]
    reviews = []
    for i, p in enumerate(pupils):
        pal = pals[(i // size) // per_pal]
        for w in windows:
            current = w.closes_on >= today
            if current and rng.random() < 0.5:
                continue
            held = min(w.opens_on + datetime.timedelta(days=rng.randrange(0, 40)), today)
            signed = timezone.make_aware(datetime.datetime.combine(held, datetime.time(15)))
            reviews.append(
                Review(
                    organisation=school,
                    pupil=p,
                    window=w,
                    reviewer=pal,
                    held_on=held,
                    period_start=w.opens_on,
                    possible_sessions=80,
                    attended_sessions=72,
                    late_sessions=3,
                    attendance_rate=90,
                    behaviour={"negative": 1, "positive": 2, "serious": 0, "suspensions": 0, "internal": 0},
                    comment="Settled and working well.",
                    risk=rng.choice(["low", "low", "low", "medium", "high"]),
                    signed_off_at=signed,
                    signed_off_by=pal,
                )
            )
    reviews = _bulk(Review, reviews, school)
    LearningTarget.objects.bulk_create(
        [
            LearningTarget(
                organisation=school,
                pupil_id=r.pupil_id,
                review=r,
                specific="Hand work in on time",
                measure="Deadlines met",
                baseline="3 of 5",
                achievable="Planner",
                result="Pass the unit",
                due_on=r.held_on + datetime.timedelta(days=60),
            )
            for r in reviews
        ],
        batch_size=2000,
    )
    counts["reviews"] += len(reviews)
    counts["targets"] += len(reviews)


def _bulk(model, rows, school):
    made = model.objects.bulk_create(rows, batch_size=2000)
    if any(r.pk is None for r in made):  # SQLite before returning ids: read them back in order
        made = list(model.objects.filter(organisation=school).order_by("pk"))
    return made


def _drop(trust: Organisation) -> None:
    """Remove the bench data. The organisations and users stay: the append-only audit log refers to them."""
    ids = [trust.pk, *trust.members.values_list("pk", flat=True)]
    alias = connection.alias
    with transaction.atomic():
        if is_citus_connection(connection):
            # Deletes over every shard, then the organisations (a reference table) in one transaction: Citus
            # needs the shards touched one connection at a time for that.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'")
        for model in (
            ReportBatch,
            LearningTarget,
            Review,
            ReviewWindow,
            GroupSession,
            Topic,
            GroupMembership,
            RoleAssignment,
            Group,
            Pupil,
        ):
            model.objects.filter(organisation_id__in=ids)._raw_delete(alias)
        suffix = f"-dropped-{trust.pk}"
        for org in Organisation.objects.filter(pk__in=ids):
            org.slug = (org.slug or "")[: 50 - len(suffix)] + suffix
            org.save(update_fields=["slug"])


# -- measurements ----------------------------------------------------------------------------------


def _client(user: User, organisation: Organisation) -> Client:
    from access.permissions import requires_two_factor
    from core.testing.personas import client_for

    if requires_two_factor(user):
        client = client_for(user)
    else:
        client = Client()
        client.force_login(user)
    session = client.session
    session[SESSION_KEY] = organisation.pk
    session.save()
    return client


def _time(client: Client, url: str, n: int) -> dict[str, float]:
    response = client.get(url)  # warm-up, not counted
    assert response.status_code == 200, (url, response.status_code)
    samples, cpu = [], []
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        samples.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        assert response.status_code == 200
    # This process's CPU (on SQLite the database's too): a loaded machine inflates it far less than the wall clock.
    return {**stats(samples), **{f"cpu_{k}": v for k, v in stats(cpu).items() if k != "n"}}


def _measure(trust: Organisation, opts: dict[str, Any]) -> dict[str, Any]:
    n = opts["iterations"]
    import pastoral.urls  # noqa: F401  (as pastoral/wsgi.py at start-up: every view loaded, then frozen)

    gc.collect()  # the dataset's build leaves garbage a server would not have
    gc.freeze()
    school = trust.members.order_by("pk").first()
    assert school is not None, "the bench trust has no schools"
    pal = User.objects.get(email=f"{PREFIX}pal-1-1@bench.test")
    leader = User.objects.get(email=f"{PREFIX}leader@bench.test")
    pal_client, leader_client = _client(pal, school), _client(leader, trust)
    statistics = reverse("caseloads:statistics")
    report: dict[str, Any] = {
        "pal_caseload_home": _time(pal_client, reverse("caseloads:home"), n),
        "pal_statistics": _time(pal_client, statistics, n),
        "trust_lpr_completion_table": _time(leader_client, f"{statistics}?by=school", n),
        "trust_statistics_per_pal": _time(leader_client, f"{statistics}?by=pal", n),
        "school_lpr_completion_page": _time(_client(leader, school), reverse("caseloads:completion"), n),
    }
    if opts["reports"]:
        report["caseload_reports"] = _reports(school, pal)
    return report


def _reports(school: Organisation, pal: User) -> dict[str, Any]:
    today = timezone.localdate()
    batch = ReportBatch.objects.create(
        organisation=school,
        requested_by=pal,
        scope="caseload",
        pal=pal,
        title="Autumn term",
        starts_on=academic_year_for(today).starts_on,
        ends_on=today,
        delivery="download",
    )
    t0, c0 = time.perf_counter(), time.process_time()
    report_batch_run(batch_id=batch.pk)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    batch.refresh_from_db()
    assert batch.status == "done" and not batch.failures, batch.failures
    return {
        "students": batch.total,
        "seconds": round(seconds, 1),
        "per_student_ms": round(seconds * 1000 / max(batch.total, 1), 1),
        # This process's CPU: steadier than the wall clock when other work shares the cores.
        "cpu_seconds": round(cpu, 1),
        "zip_bytes": len(batch.archive),
    }
