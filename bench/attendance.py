"""Build the trust-scale attendance dataset and time the real views (JSON out).

    manage.py bench_attendance                 # 20 schools × 1,000 pupils × 190 days ≈ 7.6M marks
    manage.py bench_attendance --scale 0.05    # 50 pupils a school: a quick run
    manage.py bench_attendance --reuse --keep  # keep the dataset between runs

Server time is measured around django.test.Client requests through the real URL, middleware and view
(no network), so it is the time the server spends, not the browser.
"""

from __future__ import annotations

import dataclasses
import datetime
import multiprocessing
import os
import statistics
import time
from typing import Any
from urllib.parse import urlencode

from django.core.management.base import BaseCommand
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access.middleware import SESSION_KEY
from access.models import RoleAssignment
from access.roles import Role
from accounts.models import User
from attendance import rollup
from attendance.codes import CODES, category_of
from attendance.models import AttendanceMark, AttendanceRollup, MarkAmendment, Register
from bench.attendance_sql import HAND_SQL, HAND_SQL_MARKS, HAND_SQL_PART, hand_sql_bounds
from bench.common import machine, school_days, stats, write_report
from organisations.models import Organisation
from people.models import Group, GroupMembership, Pupil

PREFIX = "bench-"
GROUP_SIZE = 30
TARGETS = {
    "register_save_p95_ms": 50,
    "school_dashboard_p95_ms": 150,
    "trust_persistent_list_p95_ms": 500,
    "trust_list_ratio_to_hand_sql": 1.5,
    "pupil_history_p95_ms": 50,
    "register_saves_per_second": 250,
}


class Command(BaseCommand):
    help = "Build the trust attendance dataset and report median/p95 server times as JSON."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Pupils per school = 1000 × scale (at least 30)."
        )
        parser.add_argument("--schools", type=int, default=20)
        parser.add_argument("--days", type=int, default=190, help="School days of marks (190 = a full year).")
        parser.add_argument("--iterations", type=int, default=30, help="Timed requests per measurement.")
        parser.add_argument(
            "--seconds", type=float, default=10.0, help="How long the sustained-save test runs."
        )
        parser.add_argument(
            "--workers", type=int, default=2, help="Processes for the sustained-save test (PostgreSQL)."
        )
        parser.add_argument(
            "--rounds",
            type=int,
            default=3,
            help="Time the sustained saves and their two floors in turn this many times (sharing --seconds).",
        )
        parser.add_argument(
            "--reuse", action="store_true", help="Reuse an existing bench dataset of the same size."
        )
        parser.add_argument(
            "--keep", action="store_true", help="Leave the dataset in the database afterwards."
        )
        parser.add_argument("--output", default="", help="Also write the JSON here.")
        parser.add_argument(
            "--profile",
            default="",
            help="Also profile (cProfile, CPU time) a re-save, a signed-in request, the dashboard and the pupil "
            "page after timing them; write <name>.prof and <name>.txt (top functions) into this directory.",
        )

    # -- dataset ------------------------------------------------------------------------------

    def handle(self, *args: Any, **opts: Any) -> None:
        pupils_per_school = max(GROUP_SIZE, int(round(1000 * opts["scale"])))
        schools, days = opts["schools"], opts["days"]
        today = timezone.localdate()
        dates = school_days(today - datetime.timedelta(days=1), days)
        started = time.perf_counter()
        trust = Organisation.objects.filter(slug=f"{PREFIX}trust").first()
        expected = schools * pupils_per_school * len(dates) * 2
        if (
            trust
            and opts["reuse"]
            and AttendanceMark.objects.filter(organisation__parent=trust, date__lt=today).count() == expected
        ):
            built = False
        else:
            if trust:
                self._drop(trust)
            trust = self._build(schools, pupils_per_school, dates)
            rollup.rebuild(organisation_ids=list(trust.members.values_list("pk", flat=True)))
            built = True
        build_seconds = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                # As autovacuum would after a bulk load: statistics, and the visibility map index-only scans need.
                c.execute("VACUUM ANALYZE attendance_attendancemark")
                c.execute("VACUUM ANALYZE attendance_attendancerollup")
        elif connection.vendor == "sqlite":
            with connection.cursor() as c:
                c.execute("ANALYZE")
        try:
            report = self._measure(trust, dates, opts)
        finally:
            if not opts["keep"]:
                self._drop(trust)
        report["dataset"] = {
            "schools": schools,
            "pupils_per_school": pupils_per_school,
            "pupils": schools * pupils_per_school,
            "school_days": len(dates),
            "marks": expected,
            "built_now": built,
            "build_seconds": round(build_seconds, 1),
        }
        report["machine"] = machine()
        report["targets"] = TARGETS
        write_report(self.stdout, report, opts["output"])

    def _build(self, schools: int, per_school: int, dates: list[datetime.date]) -> Organisation:
        rng = __import__("random").Random(20260901)
        trust, _ = Organisation.objects.get_or_create(
            slug=f"{PREFIX}trust", defaults={"name": "Bench Trust", "kind": Organisation.Kind.GROUP}
        )
        start = dates[0]
        users = {}
        for key in ("officer", "leader"):
            users[key], _ = User.objects.get_or_create(
                email=f"{PREFIX}{key}@bench.test", defaults={"full_name": f"Bench {key}"}
            )
        RoleAssignment.objects.create(
            organisation=trust, user=users["leader"], role=Role.SENIOR_LEADER, starts_on=start
        )
        codes_abs = ["I", "I", "I", "M", "G", "O", "N", "C", "R"]
        for s in range(schools):
            school, _ = Organisation.objects.get_or_create(
                slug=f"{PREFIX}school-{s + 1}",
                defaults={"name": f"Bench School {s + 1}", "kind": Organisation.Kind.SCHOOL, "parent": trust},
            )
            if s == 0:
                RoleAssignment.objects.create(
                    organisation=school, user=users["officer"], role=Role.ATTENDANCE_OFFICER, starts_on=start
                )
            pupils = Pupil.objects.bulk_create(
                [
                    Pupil(
                        organisation=school,
                        legal_first_name=f"P{i}",
                        legal_last_name=f"S{s}-{i:04d}",
                        mis_id=f"B{s}-{i}",
                        date_of_birth=datetime.date(2012, 1, 1),
                        year_group=7 + i % 5,
                    )
                    for i in range(per_school)
                ],
                batch_size=2000,
            )
            if connection.vendor != "postgresql" or any(p.pk is None for p in pupils):
                pupils = list(Pupil.objects.filter(organisation=school).order_by("pk"))
            groups = Group.objects.bulk_create(
                [
                    Group(organisation=school, kind=Group.Kind.TUTOR, name=f"T{g + 1:02d}", year_group=7)
                    for g in range((per_school + GROUP_SIZE - 1) // GROUP_SIZE)
                ]
            )
            if any(g.pk is None for g in groups):
                groups = list(Group.objects.filter(organisation=school).order_by("pk"))
            GroupMembership.objects.bulk_create(
                [
                    GroupMembership(
                        organisation=school, group=groups[i // GROUP_SIZE], pupil=p, starts_on=start
                    )
                    for i, p in enumerate(pupils)
                ],
                batch_size=2000,
            )
            for g in groups:
                tutor, _ = User.objects.get_or_create(
                    email=f"{PREFIX}tutor-{g.pk}@bench.test", defaults={"full_name": "Bench tutor"}
                )
                RoleAssignment.objects.create(
                    organisation=school, user=tutor, role=Role.TUTOR, group=g, starts_on=start
                )
            rows = []
            for p in pupils:
                propensity = rng.choice([0.02, 0.03, 0.04, 0.05, 0.08, 0.12, 0.2, 0.55])
                for d in dates:
                    for session in ("AM", "PM"):
                        if rng.random() < propensity:
                            code = rng.choice(codes_abs)
                        else:
                            code = "/" if session == "AM" else "\\"
                        rows.append((school.pk, p.pk, d, session, code, int(CODES[code].category)))
            self._insert(rows)
        return trust

    def _insert(self, rows: list[tuple]) -> None:
        now = timezone.now()
        if connection.vendor == "postgresql":
            copy_sql = "COPY attendance_attendancemark (organisation_id, pupil_id, date, session, code, category, recorded_at) FROM STDIN"
            with transaction.atomic(), connection.cursor() as c, c.connection.cursor().copy(copy_sql) as copy:
                for r in rows:
                    copy.write_row((*r, now))
            return
        sql = (
            "INSERT INTO attendance_attendancemark (organisation_id, pupil_id, date, session, code, category, recorded_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)"
        )
        with transaction.atomic(), connection.cursor() as c:
            for i in range(0, len(rows), 50000):
                c.executemany(sql, [(*r, now) for r in rows[i : i + 50000]])

    def _drop(self, trust: Organisation) -> None:
        """Remove the bench data. The organisations and users stay: the append-only audit log refers to them."""
        ids = [trust.pk] + list(trust.members.values_list("pk", flat=True))
        alias = connection.alias
        with transaction.atomic():
            # Raw deletes: millions of rows, no signals or cascades to collect (nothing else refers to bench rows).
            for model in (
                AttendanceMark,
                AttendanceRollup,
                MarkAmendment,
                Register,
                GroupMembership,
                RoleAssignment,
            ):
                model.objects.filter(organisation_id__in=ids)._raw_delete(alias)
            Group.objects.filter(organisation_id__in=ids)._raw_delete(alias)
            Pupil.objects.filter(organisation_id__in=ids)._raw_delete(alias)

    # -- measurements --------------------------------------------------------------------------

    def _client(self, user: User, organisation: Organisation) -> Client:
        """Signed in as the sign-in page would leave them: with the second factor verified for the roles that
        need one (the trust's senior leader), with a password alone for the rest (the tutors, the attendance officer)."""
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

    def _time_pair(self, first, second, n: int) -> tuple[list[float], list[float]]:
        """Time two things alternately (after a warm-up of each), so a ratio between them compares like with
        like even when the machine's speed drifts during the run."""
        first(), second()
        a: list[float] = []
        b: list[float] = []
        for _ in range(n):
            for fn, samples in ((first, a), (second, b)):
                t0 = time.perf_counter()
                fn()
                samples.append(time.perf_counter() - t0)
        return a, b

    def _time(self, fn, n: int) -> list[float]:
        fn()  # warm-up (connection, caches), not counted
        samples, cpu = [], []
        for _ in range(n):
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            samples.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        self.last_cpu = cpu  # the web process's CPU a sample: steady when other work takes the cores
        return samples

    def _measure(
        self, trust: Organisation, dates: list[datetime.date], opts: dict[str, Any]
    ) -> dict[str, Any]:
        n = opts["iterations"]
        school = trust.members.order_by("pk").first()
        assert school is not None, "the bench trust has no schools"
        start, end = dates[0], dates[-1]
        officer = User.objects.get(email=f"{PREFIX}officer@bench.test")
        leader = User.objects.get(email=f"{PREFIX}leader@bench.test")
        report: dict[str, Any] = {}

        # 1. Saving a 30-pupil register: fresh registers for today, each group's tutor through the real view.
        registers = self._todays_registers(trust)
        report["register_save"] = self._measure_register_save(registers, n)

        # 2. School dashboard, year to date (the dataset's dates).
        school_client = self._client(officer, school)
        query = f"?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
        dash = reverse("attendance:dashboard") + query
        report["school_dashboard"] = stats(self._time(lambda: school_client.get(dash), max(5, n // 2)))
        report["school_dashboard"]["web_cpu_median_ms"] = round(statistics.median(self.last_cpu) * 1000, 2)

        # 3. Trust persistent-absence list (first page), and the hand-written SQL for the same list.
        report.update(self._measure_trust_list(self._client(leader, trust), trust, start, end, n))

        # 4. One pupil's history, year to date.
        pupil = Pupil.objects.filter(organisation=school).order_by("pk").first()
        assert pupil is not None, "the bench school has no pupils"
        hist = reverse("attendance:pupil", args=[pupil.pk]) + query
        report["pupil_history"] = stats(self._time(lambda: school_client.get(hist), n))
        report["pupil_history"]["web_cpu_median_ms"] = round(statistics.median(self.last_cpu) * 1000, 2)

        if opts.get("profile"):
            _profile_pages(opts["profile"], registers, school_client, [dash, hist], n)
        self._measure_floors(registers, opts, report)
        return report

    def _todays_registers(self, trust: Organisation) -> _Registers:
        """Every group's registers for today, untaken (a kept dataset may hold an earlier run's saves)."""
        today = timezone.localdate()
        groups = list(Group.objects.filter(organisation__parent=trust).order_by("pk"))
        tutors = {
            ra.group_id: ra.user
            for ra in RoleAssignment.objects.filter(role=Role.TUTOR, group__in=groups).select_related("user")
        }
        members: dict[int, list[int]] = {}
        for gid, pid in GroupMembership.objects.filter(group__in=groups).values_list("group_id", "pupil_id"):
            members.setdefault(gid, []).append(pid)
        slots = [(g, s) for s in ("AM", "PM") for g in groups]
        ids = _trust_ids(trust)
        with transaction.atomic():
            todays = AttendanceMark.objects.filter(organisation_id__in=ids, date=today)
            rollup.apply(
                rollup.Change(org, pupil, today, category, None)
                for org, pupil, category in todays.values_list("organisation_id", "pupil_id", "category")
            )
            for model in (AttendanceMark, MarkAmendment, Register):
                model.objects.filter(organisation_id__in=ids, date=today)._raw_delete(connection.alias)
        return _Registers(today=today, groups=groups, tutors=tutors, members=members, slots=slots, clients={})

    def _measure_register_save(self, registers: _Registers, n: int) -> dict[str, Any]:
        """Save registers not yet taken today, one each, timed (after one to warm up)."""
        slots, fresh = registers.slots, iter(registers.slots)
        # Sign the tutors in before timing: a sign-in is not part of saving a register.
        for group, _ in slots[: min(n, len(slots) - 1) + 1]:
            registers.clients[group.pk] = self._client(registers.tutors[group.pk], group.organisation)
        registers.save(next(fresh))  # warm-up
        samples, cpu = [], []
        for _ in range(min(n, len(slots) - 1)):
            slot = next(fresh)
            t0, c0 = time.perf_counter(), time.process_time()
            registers.save(slot)
            samples.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        return {**stats(samples), "web_cpu_median_ms": round(statistics.median(cpu) * 1000, 2)}

    def _measure_trust_list(
        self, trust_client: Client, trust: Organisation, start: datetime.date, end: datetime.date, n: int
    ) -> dict[str, Any]:
        """The trust's persistent-absence list as a page and as hand-written SQL (from the roll-up and from the
        marks), which must agree on the count."""
        ids = _trust_ids(trust)
        trust_url = reverse("attendance:absence_list") + f"?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
        probe = trust_client.get(trust_url)
        assert probe.status_code == 200, probe.status_code
        id_list = ",".join(str(int(i)) for i in ids)
        bounds = hand_sql_bounds(trust, ids, start, end)

        def hand() -> int:
            with connection.cursor() as c:
                c.execute(HAND_SQL.format(ids=id_list, part=HAND_SQL_PART.format(ids=id_list)), bounds)
                return len(c.fetchall())

        def hand_marks() -> int:
            with connection.cursor() as c:
                c.execute(HAND_SQL_MARKS.format(ids=id_list), [start, end])
                return len(c.fetchall())

        report: dict[str, Any] = {"trust_persistent_count": hand()}
        listed = probe.context["count"] if probe.context else None
        assert listed in (None, report["trust_persistent_count"]), (listed, report["trust_persistent_count"])
        assert hand_marks() == report["trust_persistent_count"], "the roll-up disagrees with the marks"
        page_samples, hand_samples = self._time_pair(
            lambda: trust_client.get(trust_url), hand, max(5, n // 3)
        )
        report["trust_persistent_list"] = stats(page_samples)
        report["hand_sql_trust_list"] = stats(hand_samples)
        report["hand_sql_from_marks"] = stats(self._time(hand_marks, max(3, n // 10)))
        report["trust_list_ratio_to_hand_sql"] = round(
            report["trust_persistent_list"]["median_ms"]
            / max(report["hand_sql_trust_list"]["median_ms"], 0.001),
            2,
        )
        return report

    def _measure_floors(self, registers: _Registers, opts: dict[str, Any], report: dict[str, Any]) -> None:
        """Sustained saves, and the floors under them: a signed-in request that does nothing, and (PostgreSQL)
        a save's database writes alone; then the ceiling they give.

        The three are timed in turn, `--rounds` times over (each round a share of `--seconds`), and each one's
        rounds added up: the machine's speed drifts over a run (other work takes the cores), and a ratio
        between things timed at different moments would measure that drift rather than the save."""
        clients = registers.clients
        rounds = max(1, opts.get("rounds", 1))
        share = {**opts, "seconds": opts["seconds"] / rounds}
        runs: dict[str, list[dict[str, Any]]] = {"sustained_saves": [], "signed_in_request_floor": []}
        health = reverse("healthz")
        saving, writing, writes = self._ready_floors(registers)
        starts = None
        for _ in range(rounds):
            # 5. Sustained register saves per second (re-saves alternate marks, so each is real work).
            saves = self._sustained(
                saving, share, lambda slot, variant: registers.save(slot, variant), starts
            )
            starts = saves["next_variants"]
            runs["sustained_saves"].append(saves)
            # 6. The floor under every page: signed-in requests that do nothing (`healthz`: the middleware loads
            # the session, user, second factor and roles, then one `SELECT 1`), by the same tutors.
            runs["signed_in_request_floor"].append(
                self._sustained(
                    saving,
                    {**share, "seconds": min(opts["seconds"], 5.0) / rounds},
                    lambda slot, variant: clients[slot[0].pk].get(health),
                )
            )
            # 7. The floor under a save: the database writes of a sustained save alone (register row, the marks
            # locked, six marks changed, six amendments, twelve roll-up rows, one audit event, commit), as
            # prepared statements straight through the driver: no request, no ORM. PostgreSQL only (the target's
            # engine).
            if writes is not None:
                runs.setdefault("save_writes_floor", []).append(self._sustained(writing, share, writes))
        report["sustained_saves"] = _summary(runs["sustained_saves"], "save")
        report["signed_in_request_floor"] = _summary(runs["signed_in_request_floor"], "request")
        if "save_writes_floor" in runs:
            report["save_writes_floor"] = _summary(runs["save_writes_floor"], "save")
            report["ceiling"] = _ceiling(report)

    def _ready_floors(self, registers: _Registers) -> tuple[list[Any], list[Any], Any]:
        """Before the clock starts: every group's own tutor signed in with their own session (as many tutors at
        once), the morning registers' forms encoded (a browser's work), and on PostgreSQL the afternoon registers
        taken once and the writes floor made. The saves take the morning registers and the writes floor the
        afternoon's, so neither moves the other's marks: each round's saves carry on from the variants the last
        round's reached, and every save changes marks (a save that found nothing to write would flatter the rate).
        Returns the saves' registers, the floor's, and the floor (None off PostgreSQL)."""
        slots, clients, tutors = registers.slots, registers.clients, registers.tutors
        for group, _ in slots:
            if group.pk not in clients:
                clients[group.pk] = self._client(tutors[group.pk], group.organisation)
        saving = [slot for slot in slots if slot[1] == "AM"]
        writing = [slot for slot in slots if slot[1] == "PM"]
        for slot in saving:
            for variant in range(10):
                registers.form(slot, variant)
        if connection.vendor != "postgresql":
            return saving, writing, None
        for slot in writing:  # taken once beforehand: the floor changes marks a register already has
            registers.save(slot)
        tutor_ids = {gid: user.pk for gid, user in tutors.items() if gid is not None}
        return saving, writing, _save_writes(registers.today, registers.members, tutor_ids)

    def _sustained(self, slots, opts, save, starts: list[int] | None = None) -> dict[str, Any]:
        """Call `save(slot, variant)` round the slots for `--seconds`, in `--workers` processes on PostgreSQL
        (each with its own connection and its own slots, worker w from variant `starts[w]`); the calls made, the
        time taken, the CPU they took (`_summary` reports them) and each worker's next variant."""
        seconds = opts["seconds"]
        workers = min(opts["workers"], len(slots)) if connection.vendor == "postgresql" else 1
        starts = starts or [1] * workers
        if workers <= 1:
            results = [_run(slots, seconds, save, starts[0])]
        else:
            # Several processes, each with its own connection, over disjoint registers (as many tutors at once).
            connections.close_all()
            ctx = multiprocessing.get_context("fork")
            queue = ctx.Queue()
            procs = [
                ctx.Process(target=_worker, args=(w, slots[w::workers], seconds, queue, save, starts[w]))
                for w in range(workers)
            ]
            for p in procs:
                p.start()
            results = [r for _, r in sorted(queue.get() for _ in procs)]
            for p in procs:
                p.join()
        db_cpu = [r["db_cpu_seconds"] for r in results]
        return {
            "workers": workers,
            "calls": sum(r["saves"] for r in results),
            "seconds": max(r["seconds"] for r in results),
            "web_cpu_seconds": sum(r["web_cpu_seconds"] for r in results),
            "db_cpu_seconds": sum(db_cpu) if all(c is not None for c in db_cpu) else None,
            "next_variants": [r["next_variant"] for r in results],
        }


def _summary(runs: list[dict[str, Any]], unit: str) -> dict[str, Any]:
    """Rounds of one sustained measurement added up: calls (`<unit>s`) a second and their CPU a call."""
    total = sum(r["calls"] for r in runs)
    elapsed = sum(r["seconds"] for r in runs)
    db_cpu = [r["db_cpu_seconds"] for r in runs]
    return {
        "workers": runs[0]["workers"],
        "rounds": len(runs),
        f"{unit}s": total,
        "seconds": round(elapsed, 2),
        "per_second": round(total / elapsed, 1),
        # Where the time goes: CPU a call in the web process (view, middleware, the test client's small
        # share) and in its database server process (None when the server is not on this machine).
        f"web_cpu_ms_per_{unit}": round(sum(r["web_cpu_seconds"] for r in runs) / total * 1000, 2),
        f"db_cpu_ms_per_{unit}": (
            round(sum(db_cpu) / total * 1000, 2) if all(c is not None for c in db_cpu) else None
        ),
    }


_FLOOR_SQL = {
    "register": "INSERT INTO attendance_register (organisation_id, group_id, date, session, lesson, version, "
    "taken_at, taken_by_id) VALUES (%s, %s, %s, %s, '', 1, %s, %s) ON CONFLICT (organisation_id, group_id, date, session, lesson) "
    "DO UPDATE SET version = attendance_register.version + 1 RETURNING id",
    "held": "SELECT id, pupil_id, code, category FROM attendance_attendancemark "
    "WHERE organisation_id = %s AND date = %s AND session = %s AND pupil_id = ANY(%s) FOR UPDATE",
    "marks": "UPDATE attendance_attendancemark AS m SET code = v.code, category = v.category, minutes_late = NULL, "
    "recorded_by_id = %s, recorded_at = %s FROM UNNEST(%s::bigint[], %s::varchar[], %s::smallint[]) "
    "AS v(id, code, category) WHERE m.organisation_id = %s AND m.id = v.id",
    "amendments": "INSERT INTO attendance_markamendment (organisation_id, pupil_id, date, session, original_code, "
    "new_code, amended_by_id, amended_at, reason) SELECT %s, p, %s, %s, o, n, %s, %s, 'bench' "
    "FROM UNNEST(%s::bigint[], %s::varchar[], %s::varchar[]) AS v(p, o, n)",
    "rollup": "INSERT INTO attendance_attendancerollup (organisation_id, pupil_id, span_weeks, starts_on, present, "
    "attending, authorised, unauthorised) SELECT %s, * FROM UNNEST(%s::bigint[], %s::smallint[], %s::date[], "
    "%s::smallint[], %s::smallint[], %s::smallint[], %s::smallint[]) ON CONFLICT (organisation_id, pupil_id, span_weeks, starts_on) "
    "DO UPDATE SET present = attendance_attendancerollup.present + excluded.present, "
    "attending = attendance_attendancerollup.attending + excluded.attending, "
    "authorised = attendance_attendancerollup.authorised + excluded.authorised, "
    "unauthorised = attendance_attendancerollup.unauthorised + excluded.unauthorised",
    "audit": "INSERT INTO audit_auditevent (organisation_id, actor_id, actor_label, action, object_type, object_id, "
    "object_repr, changes, note, at) VALUES (%s, %s, 'bench', 'update', 'attendance.Register', %s, 'register', "
    "'{}', 'register saved', %s)",
}


def _trust_ids(trust: Organisation) -> list[int]:
    """The trust and its schools: the organisations whose marks the benchmark reads and writes."""
    return [trust.pk] + list(trust.members.values_list("pk", flat=True))


@dataclasses.dataclass
class _Registers:
    """Today's registers of the bench trust's groups (AM and PM a group), each saved by the group's own tutor."""

    today: datetime.date
    groups: list[Group]
    tutors: dict[Any, Any]
    members: dict[int, list[int]]
    slots: list[tuple[Group, str]]
    clients: dict[int, Client]
    forms: dict[tuple[int, str, int], tuple[str, str]] = dataclasses.field(default_factory=dict)

    def form(self, slot: tuple[Group, str], variant: int) -> tuple[str, str]:
        """The register's URL and the form its page posts for `variant` (every tenth pupil, counted from the
        variant, `N`; the rest present): ten forms a register, each encoded once. Encoding a form is the
        browser's work, not the server's, so the timed saves do not repeat it."""
        group, session = slot
        key = (group.pk, session, variant % 10)
        found = self.forms.get(key)
        if found is None:
            present = "/" if session == "AM" else "\\"
            data = {"action": "save", "reason": "bench"}
            for i, pid in enumerate(self.members[group.pk]):
                data[f"code-{pid}"] = present if (i + variant) % 10 else "N"
            url = reverse("attendance:register", args=[group.pk])
            found = self.forms[key] = (f"{url}?date={self.today:%Y-%m-%d}&session={session}", urlencode(data))
        return found

    def save(self, slot: tuple[Group, str], variant: int = 0, client: Client | None = None) -> int:
        client = client or self.clients[slot[0].pk]
        url, body = self.form(slot, variant)
        # As the register page saves: htmx posts the form urlencoded and swaps in the re-rendered
        # register (the whole round trip a tutor waits for; without JavaScript it is a POST and a 302).
        response = client.post(
            url, body, content_type="application/x-www-form-urlencoded", HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200 and b"register saved" in response.content, response.status_code
        return response.status_code


def _profile_pages(
    directory: str, registers: _Registers, school_client: Client, pages: list[str], n: int
) -> None:
    """cProfile a register re-save, a signed-in request that does nothing, and each page (`--profile DIR`)."""
    cycle = iter(range(10**9))
    slots = registers.slots

    def resave() -> int:
        # Variant 5 onwards moves the `N`s away from where the first saves (variant 0) put them, so every profiled
        # save changes marks, as a sustained one does (variant 1000 put them back where they were: nothing to write).
        i = next(cycle)
        return registers.save(slots[i % len(slots)], variant=5 + i // len(slots))

    health_client = registers.clients[slots[0][0].pk]
    _profile(directory, "register_resave", resave, n)
    _profile(directory, "signed_in_request", lambda: health_client.get(reverse("healthz")), n * 5)
    dash, hist = pages
    _profile(directory, "school_dashboard", lambda: school_client.get(dash), max(5, n // 2))
    _profile(directory, "pupil_history", lambda: school_client.get(hist), n)


def _save_writes(today: datetime.date, members: dict[int, list[int]], tutors: dict[int, int]):
    """A callable doing a sustained save's database writes and nothing else (the floor under a save).

    Each call moves the register's three `N`s one pupil along, as a sustained save does: six marks change.
    """
    from core.db.postgresql.base import PreparingCursor  # PostgreSQL only, as this floor

    week, block = rollup.week_of(today), rollup.block_of(today)

    def writes(slot: tuple[Group, str], variant: int = 0) -> int:
        group, session = slot
        org, actor, pupils = group.organisation_id, tutors[group.pk], members[group.pk]
        connection.ensure_connection()
        # Straight through the driver, bound on the server and every statement prepared on the connection, as the
        # save's own are (`PreparingCursor`, which `core.db.prepared_cursor` wraps): Django's cursors bind on the
        # client, and its connections have prepared statements off.
        raw = PreparingCursor(connection.connection)
        now = timezone.now()
        with transaction.atomic():
            row = raw.execute(
                _FLOOR_SQL["register"], [org, group.pk, today, session, now, actor], prepare=True
            ).fetchone()
            assert row is not None, "the register upsert returns its row"
            register = row[0]
            held = {
                p: (pk, code, cat)
                for pk, p, code, cat in raw.execute(
                    _FLOOR_SQL["held"], [org, today, session, pupils], prepare=True
                )
            }
            order = {pupil: i for i, pupil in enumerate(pupils)}
            absent = {order[p] for p, (_, code, _) in held.items() if code == "N"}
            now_absent = {(i - 1) % len(pupils) for i in absent}
            present = "/" if session == "AM" else "\\"
            changed = [
                (p, *held[p], "N" if order[p] in now_absent else present)
                for p in pupils
                if p in held and (order[p] in absent) != (order[p] in now_absent)
            ]
            news = [int(category_of(new)) for *_, new in changed]
            raw.execute(
                _FLOOR_SQL["marks"],
                [actor, now, [c[1] for c in changed], [c[4] for c in changed], news, org],
                prepare=True,
            )
            raw.execute(
                _FLOOR_SQL["amendments"],
                [
                    org,
                    today,
                    session,
                    actor,
                    now,
                    [c[0] for c in changed],
                    [c[2] for c in changed],
                    [c[4] for c in changed],
                ],
                prepare=True,
            )
            rows = []
            for (pupil, _, _, old, _), new in zip(changed, news, strict=True):
                counts = [0, 0, 0, 0]
                counts[old - 1] -= 1
                counts[new - 1] += 1
                rows += [(pupil, rollup.WEEK, week, *counts), (pupil, rollup.BLOCK, block, *counts)]
            rows.sort()
            raw.execute(
                _FLOOR_SQL["rollup"], [org, *(list(c) for c in zip(*rows, strict=True))], prepare=True
            )
            raw.execute(_FLOOR_SQL["audit"], [org, actor, str(register), now], prepare=True)
        return len(changed)

    return writes


def _ceiling(report: dict[str, Any]) -> dict[str, Any] | None:
    """The save rate the two floors allow on this machine's cores, and how close the real save comes to it.

    A save cannot cost less CPU than a signed-in request plus its required writes (web + database each);
    `cpus` cores doing nothing else would then save `cpus × 1000 / floors_ms` registers a second.
    `sustained_ratio` compares the measured rate with that; `cpu_ratio` compares the CPU a real save takes
    with the floors' (it does not move when other work on the machine takes cores from the bench).
    """
    floor, writes, saves = (
        report["signed_in_request_floor"],
        report["save_writes_floor"],
        report["sustained_saves"],
    )
    parts = [
        floor["web_cpu_ms_per_request"],
        floor["db_cpu_ms_per_request"],
        writes["web_cpu_ms_per_save"],
        writes["db_cpu_ms_per_save"],
    ]
    if any(p is None for p in parts) or saves["db_cpu_ms_per_save"] is None:
        return None
    floors_ms = sum(parts)
    per_second = multiprocessing.cpu_count() * 1000 / floors_ms
    save_ms = saves["web_cpu_ms_per_save"] + saves["db_cpu_ms_per_save"]
    return {
        "floors_cpu_ms_per_save": round(floors_ms, 2),
        "saves_per_second": round(per_second, 1),
        "sustained_ratio": round(saves["per_second"] / per_second, 2),
        "save_cpu_ms": round(save_ms, 2),
        "cpu_ratio": round(floors_ms / save_ms, 2),
    }


def _profile(directory: str, name: str, fn, n: int) -> None:
    """Run `fn` n times under cProfile counting CPU time (not waits); write the stats and a top-30 listing."""
    import cProfile
    import io
    import pstats
    from pathlib import Path

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    fn()  # warm-up
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(n):
        fn()
    profiler.disable()
    profiler.dump_stats(str(out / f"{name}.prof"))
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(30)
    (out / f"{name}.txt").write_text(text.getvalue())


def _backend_cpu_seconds() -> float | None:
    """CPU used so far by this connection's PostgreSQL server process, when it runs on this machine."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run(chunk, seconds, save, start: int = 1) -> dict[str, Any]:
    """Save the chunk's registers round and round for `seconds`, from variant `start` (each pass round the chunk
    the next variant); count them and the CPU they took, and say which variant a next run starts from (one past
    any this run saved, so the next save of every register changes marks)."""
    connection.ensure_connection()
    db0, cpu0 = _backend_cpu_seconds(), time.process_time()
    count, t0, i = 0, time.perf_counter(), 0
    while time.perf_counter() - t0 < seconds:
        save(chunk[i % len(chunk)], variant=start + i // len(chunk))
        count += 1
        i += 1
    elapsed = time.perf_counter() - t0
    db1 = _backend_cpu_seconds()
    return {
        "saves": count,
        "seconds": elapsed,
        "web_cpu_seconds": time.process_time() - cpu0,
        "db_cpu_seconds": db1 - db0 if db0 is not None and db1 is not None else None,
        "next_variant": start + (count + len(chunk) - 1) // len(chunk),
    }


def _worker(index, chunk, seconds, queue, save, start) -> None:
    connections.close_all()
    queue.put((index, _run(chunk, seconds, save, start)))
    connections.close_all()
    queue.put(_run(chunk, seconds, save))
    connections.close_all()
