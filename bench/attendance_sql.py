"""The hand-written SQL the attendance benchmark times the trust's persistent-absence list against, and the
bounds that split a range as the page splits it."""

from __future__ import annotations

import datetime
from typing import Any

from attendance import rollup, selectors
from organisations.models import Organisation

# The best hand-written statement for the trust list on the same database, which has the roll-up: the
# range's whole four-week blocks, the whole weeks either side and the days of any part-week from the marks
# (split as the page splits it), each an index range scan, added up in one GROUP BY with HAVING. Every piece
# leads with the organisation and the sums group by it too: on Citus the statement then runs whole on each
# shard (a pupil's rows are all on one) instead of fetching every piece to the coordinator to sum there
# (about 4× faster on Citus; the same on one PostgreSQL server).
HAND_SQL = """
SELECT organisation_id, pupil_id, SUM(present) + SUM(attending) + SUM(authorised) + SUM(unauthorised) AS possible,
       SUM(present) + SUM(attending) AS attended, SUM(authorised) AS authorised, SUM(unauthorised) AS unauthorised
FROM (
  SELECT organisation_id, pupil_id, present, attending, authorised, unauthorised FROM attendance_attendancerollup
  WHERE organisation_id IN ({ids}) AND span_weeks = 4 AND starts_on >= %s AND starts_on <= %s
  UNION ALL
  SELECT organisation_id, pupil_id, present, attending, authorised, unauthorised FROM attendance_attendancerollup
  WHERE organisation_id IN ({ids}) AND span_weeks = 1 AND starts_on >= %s AND starts_on < %s
  UNION ALL
  SELECT organisation_id, pupil_id, present, attending, authorised, unauthorised FROM attendance_attendancerollup
  WHERE organisation_id IN ({ids}) AND span_weeks = 1 AND starts_on >= %s AND starts_on <= %s
  UNION ALL
{part}
  UNION ALL
{part}
) AS pieces
GROUP BY organisation_id, pupil_id
HAVING (SUM(authorised) + SUM(unauthorised)) * 10 >= SUM(present) + SUM(attending) + SUM(authorised) + SUM(unauthorised)
"""

# A part-week's marks, for HAND_SQL (its two `{part}`s: the days before the first whole week, after the last).
HAND_SQL_PART = """
  SELECT organisation_id, pupil_id, CASE WHEN category = 1 THEN 1 ELSE 0 END, CASE WHEN category = 2 THEN 1 ELSE 0 END,
         CASE WHEN category = 3 THEN 1 ELSE 0 END, CASE WHEN category = 4 THEN 1 ELSE 0 END
  FROM attendance_attendancemark
  WHERE organisation_id IN ({ids}) AND category <= 4 AND date >= %s AND date <= %s"""

# For reference: the same list straight from the 7.6 million marks (what the roll-up saves).
HAND_SQL_MARKS = """
SELECT organisation_id, pupil_id, COUNT(*) AS possible,
       SUM(CASE WHEN category <= 2 THEN 1 ELSE 0 END) AS attended,
       SUM(CASE WHEN category = 3 THEN 1 ELSE 0 END) AS authorised,
       SUM(CASE WHEN category = 4 THEN 1 ELSE 0 END) AS unauthorised
FROM attendance_attendancemark
WHERE organisation_id IN ({ids}) AND date >= %s AND date <= %s AND category <= 4
GROUP BY organisation_id, pupil_id
HAVING SUM(CASE WHEN category >= 3 THEN 1 ELSE 0 END) * 10 >= COUNT(*)
"""


def hand_sql_bounds(
    trust: Organisation, ids: list[int], start: datetime.date, end: datetime.date
) -> list[Any]:
    """The hand-written SQL's parameters: the same split of the range as the page (whole blocks, whole weeks
    either side, part-weeks from the marks: today's saves share a week with the range's last day unless today
    is a Monday)."""
    split = selectors.split_range(selectors.Scope(organisation=trust, organisation_ids=ids), start, end)
    day, week = datetime.timedelta(days=1), datetime.timedelta(weeks=1)
    empty = [end + day, end]  # a range with nothing in it, for a piece this split does not need
    bounds: list[Any]
    if split.first_week is None or split.last_week is None:
        bounds = empty * 3
    elif split.first_block is None or split.last_block is None:
        bounds = [*empty, split.first_week, split.last_week + week, *empty]
    else:
        bounds = [split.first_block, split.last_block, split.first_week, split.first_block]
        bounds += [split.last_block + datetime.timedelta(weeks=rollup.BLOCK), split.last_week]
    parts = [*split.parts, (end + day, end), (end + day, end)][:2]
    return bounds + [bound for part in parts for bound in part]
