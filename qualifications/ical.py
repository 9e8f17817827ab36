"""iCalendar (RFC 5545) feeds of training days: one per cluster and one per participant."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from qualifications.models import TrainingDay


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold lines longer than 75 octets, as RFC 5545 asks."""
    out, current = [], ""
    for ch in line:
        if len((current + ch).encode("utf-8")) > 75:
            out.append(current)
            current = " " + ch
        else:
            current += ch
    out.append(current)
    return "\r\n".join(out)


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(name: str, days: Iterable[TrainingDay], notes: dict[int, list[str]] | None = None) -> str:
    """The feed; `notes` adds lines to a day's description (by training-day id: its course materials…)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Pastoral//Qualifications//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    stamp = _utc(timezone.now())
    for day in days:
        cluster = day.cluster
        modules = ", ".join(f"Module {m.number}: {m.title}" for m in day.modules.all())
        summary = f"{cluster.edition.programme.code} Level {cluster.level.number} – {cluster.name}"
        location = day.venue or cluster.venue or day.online_link or cluster.online_link
        description = modules or "Training session"
        link = day.online_link or cluster.online_link
        if link:
            description += f"\nJoin online: {link}"
        for line in (notes or {}).get(day.pk, []):
            description += f"\n{line}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{day.uid}@pastoral",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(day.starts_at)}",
            f"DTEND:{_utc(day.ends_at)}",
            f"SUMMARY:{_escape(summary)}",
            f"DESCRIPTION:{_escape(description)}",
        ]
        if location:
            lines.append(f"LOCATION:{_escape(location)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
