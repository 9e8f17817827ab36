"""Dates the safeguarding timers fall on: an agency's answer (working or calendar days) and a transfer's receipt
(school days, from `organisations.calendar`)."""

from __future__ import annotations

import datetime

from organisations import calendar
from organisations.models import Closure

ONE_DAY = datetime.timedelta(days=1)
# A child protection file sent to the next school should be receipted within this many school days.
TRANSFER_RECEIPT_SCHOOL_DAYS = 5


def answer_due(
    *, organisation_id: int, made_on: datetime.date, days: int, working_days: bool
) -> datetime.date:
    """The day an agency's answer is due: `days` after `made_on`, counting either calendar days or working days.

    A working day is Monday to Friday, less the bank holidays the school recorded as whole-school closures (agencies
    work through the school holidays, so the term dates do not count here)."""
    if not working_days:
        return made_on + datetime.timedelta(days=days)
    horizon = made_on + datetime.timedelta(days=days * 2 + 14)
    holidays = set()
    for start, end in Closure.objects.filter(
        organisation_id=organisation_id,
        site__isnull=True,
        kind=Closure.Kind.BANK_HOLIDAY,
        starts_on__lte=horizon,
        ends_on__gt=made_on,
    ).values_list("starts_on", "ends_on"):
        day = start
        while day <= end:
            holidays.add(day)
            day += ONE_DAY
    day, counted = made_on, 0
    while counted < days:
        day += ONE_DAY
        if day.weekday() < 5 and day not in holidays:
            counted += 1
    return day


def receipt_due(*, organisation_id: int, sent_on: datetime.date) -> datetime.date:
    """The last day a transfer may be receipted without an alert: the fifth school day after the day it was sent
    (weekends, holidays between terms and closures do not count)."""
    day = sent_on
    for _ in range(TRANSFER_RECEIPT_SCHOOL_DAYS):
        following = calendar.next_school_day(organisation_id, day)
        day = following if following is not None else day + ONE_DAY
    return day
