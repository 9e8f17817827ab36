"""Build a trust-scale early-warning dataset and time the real list pages (JSON out).

    manage.py bench_early_warning                  # 20 schools × 1,000 pupils, 190 days of marks, incidents,
                                                   # five courses at three assessment points
    manage.py bench_early_warning --scale 0.05     # 50 pupils a school: a quick run
    manage.py bench_early_warning --smoke          # tiny: proves it runs (CI)
    manage.py bench_early_warning --keep, then --reuse   # build once, measure the kept dataset again

The marks come from the attendance benchmark's builder (`bench/attendance.py`, the same trust and roll-up); this
adds negative incidents (severity 1–5, about three a pupil over the year) and grades (five GCSE courses, three
assessment points, each pupil drifting from target). It times, through the real URL, middleware and view:
- the school's list (`/early-warning/`, a senior leader of the first school), p95 target 200 ms;
- the trust's list (the trust's senior leader: every member school), p95 target 500 ms, and the best hand-written
  SQL for the same list (every indicator that has data in the dataset, for today and seven days ago, so the new
  entrants too), timed alternately with the page; the ratio target is 1.5;
- the first request after a change (the recompute): the school list after a change at the school, the trust list
  after a change at one school and after a change at every school (each request preceded, untimed, by the write's
  own effect on the lists: `early_warning.kept.changed`).
"""

from __future__ import annotations

import datetime
import gc
import random
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from bench.attendance import PREFIX
from bench.attendance import Command as AttendanceBench
from bench.common import machine, school_days, stats, write_report
from organisations.models import Organisation
from people.models import Pupil

TARGETS = {
    "school_list_p95_ms": 200,
    "trust_list_p95_ms": 500,
    "trust_list_ratio_to_hand_sql": 1.5,
}
COURSES = ("MA", "EN", "SC", "HI", "GE")


def _hand_sql(ids: list[int], start: datetime.date, day: datetime.date) -> tuple[str, list[Any]]:
    """The list for `day` in one statement: pupil id and score for those the default settings flag, over the
    indicators the dataset has data for (attendance from the roll-up, unexplained and late marks, behaviour,
    grades). The attendance sums are the roll-up statement the attendance pages use (the best there is)."""
    from attendance.selectors.figures import Scope, _per_pupil_statement

    org = Organisation.objects.get(pk=ids[0])
    scope = Scope(organisation=org, organisation_ids=ids)
    now_sql, now_params = _per_pupil_statement(scope, start, day, "") or (
        "SELECT 0 AS pupil_id, 0 AS present, 0 AS attending, 0 AS authorised, 0 AS unauthorised WHERE 1 = 0",
        [],
    )
    then_day = day - datetime.timedelta(weeks=4)
    built = _per_pupil_statement(scope, start, then_day, "") if then_day >= start else None
    then_sql, then_params = built or (
        "SELECT 0 AS pupil_id, 0 AS present, 0 AS attending, 0 AS authorised, 0 AS unauthorised WHERE 1 = 0",
        [],
    )
    id_list = ",".join(str(int(i)) for i in ids)
    since = day - datetime.timedelta(days=28)
    after = datetime.datetime.combine(
        day - datetime.timedelta(days=42), datetime.time(23, 59, 59, 999999), datetime.UTC
    )
    recent = datetime.datetime.combine(
        day - datetime.timedelta(days=14), datetime.time(23, 59, 59, 999999), datetime.UTC
    )
    until = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), datetime.UTC)
    sql = f"""
WITH now_att AS ({now_sql}), then_att AS ({then_sql}),
win AS (
  SELECT pupil_id, SUM(CASE WHEN code IN ('N', 'O') THEN 1 ELSE 0 END) AS unexplained,
         SUM(CASE WHEN code IN ('L', 'U') THEN 1 ELSE 0 END) AS late
  FROM attendance_attendancemark
  WHERE organisation_id IN ({id_list}) AND date > %s AND date <= %s AND code IN ('N', 'O', 'L', 'U')
  GROUP BY pupil_id),
beh AS (
  SELECT ip.pupil_id, SUM(i.severity * CASE WHEN i.occurred_at > %s THEN 2 ELSE 1 END) AS weighted
  FROM behaviour_incidentpupil ip JOIN behaviour_incident i ON i.id = ip.incident_id
  WHERE ip.organisation_id IN ({id_list}) AND i.kind = 'negative' AND i.occurred_at > %s AND i.occurred_at < %s
  GROUP BY ip.pupil_id),
pts AS (
  SELECT r.pupil_id, r.course_id, r.difference,
         DENSE_RANK() OVER (PARTITION BY r.pupil_id ORDER BY p.assessed_on DESC, p.id DESC) AS rk
  FROM achievement_result r JOIN achievement_assessmentpoint p ON p.id = r.point_id
  WHERE r.organisation_id IN ({id_list}) AND p.assessed_on <= %s),
lines AS (
  SELECT pupil_id, 3 AS points FROM now_att
   WHERE (present + attending) * 10 < (present + attending + authorised + unauthorised) * 9
  UNION ALL SELECT pupil_id, 2 FROM now_att
   WHERE (authorised + unauthorised) * 10 >= present + attending + authorised + unauthorised
  UNION ALL SELECT pupil_id, 4 FROM now_att
   WHERE (authorised + unauthorised) * 2 >= present + attending + authorised + unauthorised
  UNION ALL SELECT n.pupil_id, 3 FROM now_att n JOIN then_att t ON t.pupil_id = n.pupil_id
   WHERE 100 * ((t.present + t.attending) * (n.present + n.attending + n.authorised + n.unauthorised)
                - (n.present + n.attending) * (t.present + t.attending + t.authorised + t.unauthorised))
         >= 5 * (t.present + t.attending + t.authorised + t.unauthorised)
              * (n.present + n.attending + n.authorised + n.unauthorised)
  UNION ALL SELECT pupil_id, 2 FROM win WHERE unexplained >= 3
  UNION ALL SELECT pupil_id, 1 FROM win WHERE late >= 5
  UNION ALL SELECT pupil_id, 2 FROM beh WHERE weighted >= 8
  UNION ALL SELECT pupil_id, 2 FROM pts WHERE rk = 1 GROUP BY pupil_id
   HAVING SUM(CASE WHEN difference < 0 THEN 1 ELSE 0 END) >= 2
  UNION ALL SELECT a.pupil_id, 1 FROM pts a JOIN pts b
   ON b.pupil_id = a.pupil_id AND b.course_id = a.course_id AND a.rk = 1 AND b.rk = 2
   WHERE a.difference < b.difference GROUP BY a.pupil_id)
SELECT l.pupil_id, SUM(l.points) AS score FROM lines l JOIN people_pupil pp ON pp.id = l.pupil_id
WHERE (pp.left_on IS NULL OR pp.left_on > %s) AND (pp.admitted_on IS NULL OR pp.admitted_on <= %s)
GROUP BY l.pupil_id HAVING SUM(l.points) >= 4
"""  # noqa: S608 ids are integers; every value is a parameter
    params = [*now_params, *then_params, since, day, recent, after, until, day, day, day]
    return sql, params


class Command(BaseCommand):
    help = "Build the trust early-warning dataset and report the list pages' median/p95 server times as JSON."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="Pupils per school = 1000 × scale.")
        parser.add_argument("--schools", type=int, default=20)
        parser.add_argument("--days", type=int, default=190, help="School days of marks (190 = a year).")
        parser.add_argument("--iterations", type=int, default=30, help="Timed requests per measurement.")
        parser.add_argument(
            "--smoke", action="store_true", help="2 schools × 30 pupils, 20 days, 3 requests."
        )
        parser.add_argument(
            "--keep", action="store_true", help="Leave the dataset in the database afterwards."
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Measure the dataset a previous --keep run left (same options, same day), without building it.",
        )
        parser.add_argument("--output", default="", help="Also write the JSON here.")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["smoke"]:
            opts.update(schools=2, scale=0.03, days=20, iterations=3)
        per_school = max(30, int(round(1000 * opts["scale"])))
        today = timezone.localdate()
        dates = school_days(today - datetime.timedelta(days=1), opts["days"])
        builder = AttendanceBench()
        started = time.perf_counter()
        old = Organisation.objects.filter(slug=f"{PREFIX}trust").first()
        if opts["reuse"] and old is not None:
            trust, counts = old, {"reused": 1}
        else:
            if old:
                self._drop(builder, old)
            trust = builder._build(opts["schools"], per_school, dates)
            from attendance import rollup

            rollup.rebuild(organisation_ids=list(trust.members.values_list("pk", flat=True)))
            counts = self._build(trust, today)
            self._analyse()
        build_seconds = time.perf_counter() - started
        import pastoral.urls  # noqa: F401  (as pastoral/wsgi.py at start-up: every view loaded, then frozen)

        gc.collect()  # the dataset's build leaves garbage a server would not have
        gc.freeze()
        try:
            report = self._measure(builder, trust, today, opts["iterations"])
        finally:
            gc.unfreeze()  # frozen as a server's heap is (pastoral/wsgi.py); a test run goes on
            if not opts["keep"]:
                self._drop(builder, trust)
        report["dataset"] = {
            "schools": opts["schools"],
            "pupils_per_school": per_school,
            "pupils": opts["schools"] * per_school,
            "school_days": len(dates),
            "marks": opts["schools"] * per_school * len(dates) * 2,
            **counts,
            "build_seconds": round(build_seconds, 1),
        }
        report["machine"] = machine()
        report["targets"] = TARGETS
        write_report(self.stdout, report, opts["output"])

    # -- dataset ------------------------------------------------------------------------------

    def _build(self, trust: Organisation, today: datetime.date) -> dict[str, int]:
        """Incidents and grades for every pupil of the trust's schools (the marks are already there)."""
        from access.models import RoleAssignment
        from access.roles import Role

        rng = random.Random(20261201)
        staff, _ = User.objects.get_or_create(
            email=f"{PREFIX}staff@bench.test", defaults={"full_name": "Bench staff"}
        )
        head, _ = User.objects.get_or_create(
            email=f"{PREFIX}head@bench.test", defaults={"full_name": "Bench head"}
        )
        incidents = results = 0
        for n, school in enumerate(trust.members.order_by("pk")):
            if n == 0:
                RoleAssignment.objects.create(
                    organisation=school,
                    user=head,
                    role=Role.SENIOR_LEADER,
                    starts_on=today - datetime.timedelta(days=400),
                )
            pupils = list(Pupil.objects.filter(organisation=school).values_list("pk", flat=True))
            incidents += self._incidents(school, pupils, staff, today, rng)
            results += self._grades(school, pupils, today, rng)
        return {"incidents": incidents, "results": results}

    def _incidents(
        self, school: Organisation, pupils: list[int], staff: User, today: datetime.date, rng: random.Random
    ) -> int:
        from behaviour.models import BehaviourCategory, Incident, IncidentPupil

        category = BehaviourCategory.objects.create(organisation=school, code="bench", name="Bench")
        made = []
        owners = []
        for pid in pupils:
            for _ in range(rng.choice([0, 0, 1, 2, 3, 5, 8])):
                when = datetime.datetime.combine(
                    today - datetime.timedelta(days=rng.randrange(1, 270)), datetime.time(10), datetime.UTC
                )
                made.append(
                    Incident(
                        organisation=school,
                        kind="negative",
                        category=category,
                        severity=rng.randint(1, 5),
                        occurred_at=when,
                        place="classroom",
                        description="bench",
                        recorded_by=staff,
                        staff=staff,
                    )
                )
                owners.append(pid)
        created = Incident.objects.bulk_create(made, batch_size=2000)
        if any(i.pk is None for i in created):
            created = list(Incident.objects.filter(organisation=school).order_by("pk"))
        IncidentPupil.objects.bulk_create(
            [
                IncidentPupil(organisation=school, incident=i, pupil_id=pid)
                for i, pid in zip(created, owners, strict=True)
            ],
            batch_size=2000,
        )
        return len(made)

    def _grades(
        self, school: Organisation, pupils: list[int], today: datetime.date, rng: random.Random
    ) -> int:
        from achievement import services
        from achievement.models import AssessmentPoint, Course, Result

        scale = services.standard_scale(organisation=school, key="gcse")
        courses = [Course.objects.create(organisation=school, code=c, name=c, scale=scale) for c in COURSES]
        points = [
            AssessmentPoint.objects.create(
                organisation=school, name=f"Point {i + 1}", assessed_on=today - datetime.timedelta(days=days)
            )
            for i, days in enumerate((70, 35, 7))
        ]
        rows = []
        for pid in pupils:
            drift = rng.choice([1, 0, 0, 0, -1, -1, -2])
            for course in courses:
                step = rng.choice([-1, 0, 0, 1])
                for i, point in enumerate(points):
                    difference = max(-6, min(3, step + drift * i // 2))
                    rows.append(
                        Result(
                            organisation=school,
                            pupil_id=pid,
                            course=course,
                            point=point,
                            target="6",
                            working_at=str(6 + difference),
                            difference=difference,
                        )
                    )
        Result.objects.bulk_create(rows, batch_size=5000)
        return len(rows)

    def _analyse(self) -> None:
        with connection.cursor() as c:
            if connection.vendor == "postgresql":
                for table in (
                    "attendance_attendancemark",
                    "attendance_attendancerollup",
                    "behaviour_incident",
                    "behaviour_incidentpupil",
                    "achievement_result",
                ):
                    c.execute(f"VACUUM ANALYZE {table}")
            else:
                c.execute("ANALYZE")

    def _drop(self, builder: AttendanceBench, trust: Organisation) -> None:
        from achievement.models import AssessmentPoint, Course, GradeScale, Result
        from behaviour.models import BehaviourCategory, Incident, IncidentPupil
        from early_warning.models import KeptList, Watermark

        ids = [trust.pk, *trust.members.values_list("pk", flat=True)]
        with transaction.atomic():
            for model in (
                KeptList,
                Watermark,
                IncidentPupil,
                Incident,
                BehaviourCategory,
                Result,
                AssessmentPoint,
                Course,
                GradeScale,
            ):
                model.objects.filter(organisation_id__in=ids)._raw_delete(connection.alias)
        builder._drop(trust)

    # -- measurements --------------------------------------------------------------------------

    def _entries(self, user: User, schools: list[Organisation], today: datetime.date) -> list[Any]:
        """The list the page shows (not timed: to check the hand-written SQL finds the same students)."""
        from access.permissions import visible_pupils
        from early_warning.selectors import list_entries

        return list_entries(user, schools, today, visible_pupils(user))

    def _measure(
        self, builder: AttendanceBench, trust: Organisation, today: datetime.date, n: int
    ) -> dict[str, Any]:
        from attendance.selectors import academic_year_start

        school = trust.members.order_by("pk").first()
        assert school is not None, "the bench trust has no schools"
        head = User.objects.get(email=f"{PREFIX}head@bench.test")
        leader = User.objects.get(email=f"{PREFIX}leader@bench.test")
        url = reverse("early_warning:list")
        report: dict[str, Any] = {}
        school_client = builder._client(head, school)
        probe = school_client.get(url)
        assert probe.status_code == 200, probe.status_code
        report["school_list"] = stats(builder._time(lambda: school_client.get(url), n))
        report["school_list"]["web_cpu_median_ms"] = round(statistics.median(builder.last_cpu) * 1000, 2)
        report["school_list"]["flagged"] = len(self._entries(head, [school], today))
        report["school_list_after_a_change"] = self._after_change(school_client, url, [school.pk], n)

        trust_client = builder._client(leader, trust)
        probe = trust_client.get(url)
        assert probe.status_code == 200, probe.status_code
        flagged = len(self._entries(leader, list(trust.members.all()), today))
        ids = list(trust.members.values_list("pk", flat=True))
        start = academic_year_start(today)
        statements = [_hand_sql(ids, start, day) for day in (today, today - datetime.timedelta(days=7))]

        def hand() -> int:
            found = 0
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    found = found or len(cursor.fetchall())
            return found

        with connection.cursor() as cursor:
            cursor.execute(*statements[0])
            hand_flagged = len(cursor.fetchall())
        assert hand_flagged == flagged, f"the hand SQL finds {hand_flagged} students, the page {flagged}"
        cpu: list[float] = []

        def page() -> None:
            c0 = time.process_time()
            trust_client.get(url)
            cpu.append(time.process_time() - c0)

        walls, by_hand = builder._time_pair(page, hand, max(3, n // 2))
        report["trust_list"] = {
            **stats(walls),
            "web_cpu_median_ms": round(statistics.median(cpu[1:]) * 1000, 2),  # the warm-up left out
            "flagged": flagged,
        }
        report["hand_sql_trust_list"] = {**stats(by_hand), "flagged": hand_flagged}
        report["trust_list_after_a_change_at_one_school"] = self._after_change(
            trust_client, url, [school.pk], n
        )
        report["trust_list_after_a_change_at_every_school"] = self._after_change(
            trust_client, url, ids, max(3, n // 5)
        )
        report["trust_list_ratio_to_hand_sql"] = round(
            report["trust_list"]["median_ms"] / max(report["hand_sql_trust_list"]["median_ms"], 0.001), 2
        )
        return report

    def _after_change(self, client: Any, url: str, changed: list[int], n: int) -> dict[str, Any]:
        """The first request after a change at `changed` (the kept lists of those schools are recomputed): each
        request follows, untimed, the watermark's move that every write to the schools' records makes."""
        from early_warning import kept

        walls, cpu = [], []
        for _ in range(n):
            kept.changed(changed)
            t0, c0 = time.perf_counter(), time.process_time()
            assert client.get(url).status_code == 200
            walls.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        return {**stats(walls), "web_cpu_median_ms": round(statistics.median(cpu) * 1000, 2)}
