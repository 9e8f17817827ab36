"""Static files survive production's collectstatic: no reference to a source map that is not shipped."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from django.contrib.staticfiles.finders import get_finders

SOURCE_MAP = re.compile(rb"[#@] sourceMappingURL=([^\s*]+)")


def _static_files() -> dict[str, bytes]:
    """Every collected path (Django's admin aside), with the content of the scripts and style sheets."""
    found: dict[str, bytes] = {}
    for finder in get_finders():
        for path, storage in finder.list(["admin/*"]):
            if path in found:
                continue
            found[path] = b""
            if path.endswith((".js", ".css")):
                with storage.open(path) as handle:
                    found[path] = handle.read()
    return found


def test_it_ships_every_source_map_a_static_file_names() -> None:
    """WhiteNoise's manifest storage fails collectstatic on a sourceMappingURL whose file is missing."""
    files = _static_files()
    assert "vendor/chart-4.6.1.umd.min.js" in files
    dangling = [
        f"{path} -> {target.decode()}"
        for path, content in files.items()
        for target in SOURCE_MAP.findall(content)
        if not target.startswith(b"data:") and str(PurePosixPath(path).parent / target.decode()) not in files
    ]
    assert dangling == []
