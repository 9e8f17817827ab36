from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from demo.registry import DEMO_PASSWORD
from demo.world import build_world, load_logins, save_logins, world_exists


class Command(BaseCommand):
    help = "Build the deterministic demo world (once) and print one demo login per role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--scale", type=int, default=1, help="Repeat every demo school N times (benchmarks)."
        )
        parser.add_argument(
            "--pupils-per-school", type=int, default=None, help="Override each school's roll."
        )
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins.")

    def handle(
        self, *args: Any, seed: int, scale: int, pupils_per_school: int | None, quiet: bool, **options: Any
    ) -> None:
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        if world_exists():
            self.stdout.write("The demo world is already here; keeping its data.")
        else:
            started = time.monotonic()
            world = build_world(
                seed=seed,
                scale=scale,
                pupils_per_school=pupils_per_school,
                progress=lambda m: self.stdout.write(f"  building {m}…"),
            )
            save_logins(world)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Built the demo world: {len(world.schools)} schools and colleges in {time.monotonic() - started:.1f} s."
                )
            )
        if not quiet:
            self.print_logins()

    def print_logins(self) -> None:
        logins = load_logins()
        if not logins:
            return
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(f"Demo logins (password for all: {DEMO_PASSWORD})"))
        width = max(len(login.email) for login in logins)
        for login in logins:
            extra = "  [two-factor: bin/pastoral code " + login.email + "]" if login.needs_two_factor else ""
            self.stdout.write(f"  {login.email.ljust(width)}  {login.role}{extra}")
