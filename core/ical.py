"""iCalendar (RFC 5545) files written with the `icalendar` library, never by hand: it folds long lines and escapes
commas, semicolons, backslashes and line breaks (a bare CR included) as the standard requires."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import icalendar
from django.utils import timezone

PRODID = "-//Pastoral//Pastoral//EN"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    sequence: int = 0
    cancelled: bool = False


def calendar_bytes(events: list[CalendarEvent], *, method: str = "PUBLISH", name: str = "") -> bytes:
    """One VCALENDAR of the events; `method` REQUEST for an invitation, CANCEL for a cancellation."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for item in events:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.starts_at)
        event.add("dtend", item.ends_at)
        event.add("summary", item.summary)
        event.add("sequence", item.sequence)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        calendar.add_component(event)
    return calendar.to_ical()
