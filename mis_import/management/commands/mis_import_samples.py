"""Write the sample MIS files to docs/samples/ (deterministic: the same files every time)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from mis_import.samples import sample_files


class Command(BaseCommand):
    help = "Write small, realistic sample CSV files for each kind of MIS import to docs/samples/."

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(settings.BASE_DIR) / "docs" / "samples"
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in sample_files().items():
            (folder / name).write_text(text, encoding="utf-8", newline="")
            self.stdout.write(f"wrote docs/samples/{name}")
