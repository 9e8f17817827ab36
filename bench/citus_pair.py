"""Single PostgreSQL and Citus timed side by side, request by request (issue 15 item 7; docs/performance.md).

    manage.py bench_attendance --schools 20 --scale 0.1 --days 50 --keep            # on PostgreSQL (default)
    DATABASE_URL=<citus> manage.py bench_attendance … --keep   (or bin/pastoral bench --citus …)
    manage.py bench_citus_pair --citus postgres://postgres@127.0.0.1:5440/NAME

The register save and the pupil page are timed through the real URL, middleware and view, as `bench_attendance`
times them, but alternately: a request to single PostgreSQL (the default database), then the same request to the
Citus coordinator, and so on. Timed one run after the other, a minute apart, the two databases were measured at
different speeds of a machine shared with other work (the same code's p95 ratio moved between 1.2 and 2.1 from one
pair of runs to the next); alternated, both see the same machine and the ratio compares like with like.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
from collections.abc import Callable, Iterator
from typing import Any

import dj_database_url
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from django.db.utils import load_backend
from django.test import Client
from django.urls import reverse

from accounts.models import User
from attendance.models import AttendanceMark
from bench.attendance import PREFIX, _Registers
from bench.attendance import Command as AttendanceBench
from bench.common import machine, stats, write_report
from core.distribution import is_citus_connection
from organisations.models import Organisation
from people.models import Pupil


@contextlib.contextmanager
def using(wrapper: Any) -> Iterator[None]:
    """Make `wrapper` the default database (what `django.db.connection` and every query use) for the block."""
    previous = connections["default"]
    connections["default"] = wrapper
    try:
        yield
    finally:
        connections["default"] = previous


def database(url: str) -> Any:
    """A connection to the database at `url` with the default database's other settings (as its alias)."""
    parsed = dj_database_url.parse(url)
    default = connections["default"]
    settings = {
        **default.settings_dict,
        **{k: parsed[k] for k in ("NAME", "USER", "PASSWORD", "HOST", "PORT")},
    }
    return load_backend(settings["ENGINE"]).DatabaseWrapper(settings, "default")


@dataclasses.dataclass
class _Side:
    """One database's bench trust, ready to time: fresh registers for today with their tutors signed in, and the
    attendance officer on the first school's first pupil's page for the dataset's dates."""

    registers: _Registers
    fresh: Iterator[tuple[Any, str]]
    pupil_client: Client
    pupil_url: str

    @classmethod
    def prepare(cls, saves: int) -> _Side:
        trust = Organisation.objects.filter(slug=f"{PREFIX}trust").first()
        if trust is None:
            raise CommandError(
                "No bench trust here: run bench_attendance with --keep on this database first."
            )
        bench = AttendanceBench()
        registers = bench._todays_registers(trust)
        if len(registers.slots) < saves + 2:
            raise CommandError(
                f"The bench trust has {len(registers.slots)} registers a day: ask for fewer saves."
            )
        for group, _ in registers.slots[: saves + 2]:
            registers.clients[group.pk] = bench._client(registers.tutors[group.pk], group.organisation)
        school = trust.members.order_by("pk").first()
        pupil = Pupil.objects.filter(organisation=school).order_by("pk").first()
        if school is None or pupil is None:
            raise CommandError("The bench trust has no school or no pupils.")
        marks = AttendanceMark.objects.filter(organisation=school, date__lt=registers.today)
        first = marks.order_by("date").values_list("date", flat=True).first() or registers.today
        end = registers.today - datetime.timedelta(days=1)
        officer = User.objects.get(email=f"{PREFIX}officer@bench.test")
        url = reverse("attendance:pupil", args=[pupil.pk]) + f"?start={first:%Y-%m-%d}&end={end:%Y-%m-%d}"
        return cls(registers, iter(registers.slots), bench._client(officer, school), url)

    def save(self) -> None:
        self.registers.save(next(self.fresh))

    def pupil_page(self) -> None:
        response = self.pupil_client.get(self.pupil_url)
        assert response.status_code == 200, response.status_code


def _pair(
    bench: AttendanceBench,
    postgresql: tuple[Any, Callable[[], None]],
    citus: tuple[Any, Callable[[], None]],
    n: int,
) -> dict[str, Any]:
    """Time `n` requests on each database alternately (after one each to warm up), and the Citus ÷ PostgreSQL
    ratios of their medians and 95th percentiles."""

    def on(side: tuple[Any, Callable[[], None]]) -> Callable[[], None]:
        wrapper, fn = side

        def run() -> None:
            with using(wrapper):
                fn()

        return run

    a, b = bench._time_pair(on(postgresql), on(citus), n)
    first, second = stats(a), stats(b)
    return {
        "postgresql": first,
        "citus": second,
        "citus_to_postgresql_median": round(second["median_ms"] / first["median_ms"], 2),
        "citus_to_postgresql_p95": round(second["p95_ms"] / first["p95_ms"], 2),
    }


class Command(BaseCommand):
    help = (
        "Time the register save and the pupil page alternately on single PostgreSQL and on Citus (JSON out)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--citus", required=True, help="The Citus coordinator's database URL.")
        parser.add_argument("--iterations", type=int, default=30, help="Timed requests per database.")
        parser.add_argument("--output", default="", help="Also write the JSON here.")

    def handle(self, *args: Any, **opts: Any) -> None:
        postgresql = connections["default"]
        if postgresql.vendor != "postgresql" or is_citus_connection(postgresql):
            raise CommandError("The default database (DATABASE_URL) must be single PostgreSQL.")
        citus = database(opts["citus"])
        try:
            is_citus = is_citus_connection(citus)
        except DatabaseError as exc:
            raise CommandError(f"Cannot reach {opts['citus']}: {exc}".strip()) from exc
        if not is_citus:
            raise CommandError(f"{opts['citus']} is not a Citus coordinator.")
        n = opts["iterations"]
        sides = {}
        for name, wrapper in (("postgresql", postgresql), ("citus", citus)):
            with using(wrapper):
                sides[name] = _Side.prepare(saves=n)
        bench = AttendanceBench()
        pg, ci = sides["postgresql"], sides["citus"]
        report = {
            "register_save": _pair(bench, (postgresql, pg.save), (citus, ci.save), n),
            "pupil_history": _pair(bench, (postgresql, pg.pupil_page), (citus, ci.pupil_page), n),
            "targets": {"citus_to_postgresql_p95": 1.5},
            "machine": machine(),
        }
        citus.close()
        write_report(self.stdout, report, opts["output"])
