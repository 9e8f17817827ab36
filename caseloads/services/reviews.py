"""Learning and Progress Reviews: windows, starting an LPR (attendance, behaviour and support-plan status frozen
from their apps' selectors), progress on earlier targets, new SMART targets, actions, sign-off and addenda."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from caseloads.models import Addendum, LearningTarget, Review, ReviewAction, ReviewWindow, TargetProgress
from organisations.models import AcademicYear

# One a term plus one: (month, day) each window opens and closes, from the September the year starts in.
DEFAULT_WINDOWS = [((9, 1), (10, 31)), ((11, 1), (12, 31)), ((1, 1), (3, 31)), ((4, 1), (7, 31))]
LATE_CODES = ("L", "U")


def windows_for(organisation: Any, academic_year: AcademicYear) -> list[ReviewWindow]:
    """The school's review windows for a year, the four default ones recorded on first use."""
    return windows_for_schools([organisation], academic_year)[organisation.pk]


def _default_windows(organisation_id: int, academic_year: AcademicYear) -> list[ReviewWindow]:
    first = academic_year.starts_on.year
    return [
        ReviewWindow(
            organisation_id=organisation_id,
            academic_year=academic_year,
            number=number,
            opens_on=datetime.date(first if om >= 9 else first + 1, om, od),
            closes_on=datetime.date(first if cm >= 9 else first + 1, cm, cd),
        )
        for number, ((om, od), (cm, cd)) in enumerate(DEFAULT_WINDOWS, start=1)
    ]


def windows_for_schools(
    organisations: Iterable[Any], academic_year: AcademicYear
) -> dict[int, list[ReviewWindow]]:
    """Each school's review windows for a year (by organisation id, in order), the four default ones recorded for
    the schools that have none: one read, and one insert when some school has none, whatever the number."""
    ids = {o if isinstance(o, int) else o.pk for o in organisations}
    found: dict[int, list[ReviewWindow]] = {oid: [] for oid in ids}
    for window in ReviewWindow.objects.filter(organisation_id__in=list(ids), academic_year=academic_year):
        found[window.organisation_id].append(window)
    missing = [oid for oid, windows in found.items() if not windows]
    if missing:
        with transaction.atomic():
            made = ReviewWindow.objects.bulk_create(
                [w for oid in missing for w in _default_windows(oid, academic_year)]
            )
        if any(w.pk is None for w in made):  # a database that does not return ids: read them back
            made = list(ReviewWindow.objects.filter(organisation_id__in=missing, academic_year=academic_year))
        for window in made:
            found[window.organisation_id].append(window)
    return found


def window_save(
    *, actor: Any, window: ReviewWindow, opens_on: datetime.date, closes_on: datetime.date
) -> ReviewWindow:
    window.opens_on, window.closes_on = opens_on, closes_on
    window.full_clean()
    others = ReviewWindow.objects.filter(organisation=window.organisation, academic_year=window.academic_year)
    if others.exclude(pk=window.pk).filter(opens_on__lte=closes_on, closes_on__gte=opens_on).exists():
        raise ValidationError({"opens_on": "Review windows of a year must not overlap."})
    window.save()
    return window


def window_add(
    *,
    actor: Any,
    organisation: Any,
    academic_year: AcademicYear,
    opens_on: datetime.date,
    closes_on: datetime.date,
) -> ReviewWindow:
    number = ReviewWindow.objects.filter(organisation=organisation, academic_year=academic_year).count() + 1
    window = ReviewWindow(
        organisation=organisation,
        academic_year=academic_year,
        number=number,
        opens_on=opens_on,
        closes_on=closes_on,
    )
    return window_save(actor=actor, window=window, opens_on=opens_on, closes_on=closes_on)


def frozen_figures(pupil: Any, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """What the review keeps of attendance, punctuality, behaviour and support plans, read from their selectors."""
    from attendance.selectors import pupil_attendance_summary, pupil_session_codes
    from behaviour.selectors import behaviour_summary
    from support_plans.selectors import pupil_plans, stage

    summary = pupil_attendance_summary(pupil=pupil, start=start, end=end)
    codes = pupil_session_codes(pupil=pupil, start=start, end=end)
    behaviour = behaviour_summary(pupil, start, end)
    plans = list(pupil_plans(pupil))
    rate = summary["attendance_rate"]
    return {
        "possible_sessions": summary["possible"],
        "attended_sessions": summary["present"] + summary["attending"],
        "late_sessions": sum(1 for code in codes.values() if code in LATE_CODES),
        "attendance_rate": Decimal(str(round(rate * 100, 1))) if rate is not None else None,
        "behaviour": {
            k: behaviour[k] for k in ("negative", "positive", "serious", "suspensions", "internal")
        },
        "support_plan_status": stage(plans[-1]) if plans else "",
    }


def startable_windows(
    windows: Iterable[ReviewWindow], held_on: datetime.date, reviewed: Iterable[int] = ()
) -> list[ReviewWindow]:
    """Of `windows`, those an LPR held on `held_on` may be started in: opened by then and not yet reviewed."""
    done = set(reviewed)
    return [w for w in windows if w.opens_on <= held_on and w.pk not in done]


def review_start(
    *,
    actor: Any,
    pupil: Any,
    window: ReviewWindow,
    held_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Review:
    """Open the student's LPR for a window, freezing the period's figures (window opening → the day held). Held
    today or earlier, in a window that has opened by then (late, after it closed, for an overdue review)."""
    today = today or timezone.localdate()
    held_on = held_on or today
    if window.organisation_id != pupil.organisation_id:
        raise ValidationError({"window": "Choose one of this school's review windows."})
    if held_on > today:
        raise ValidationError({"held_on": "A review cannot be held in the future: give the day it was held."})
    if held_on < window.opens_on:
        raise ValidationError(
            {"window": f"Review {window.number} opens on {window.opens_on:%-d %b %Y}, after the day held."}
        )
    if Review.objects.filter(organisation_id=pupil.organisation_id, pupil=pupil, window=window).exists():
        raise ValidationError({"window": f"{pupil.display_name} already has a review for this window."})
    review = Review(
        organisation_id=pupil.organisation_id,
        pupil=pupil,
        window=window,
        reviewer=actor,
        held_on=held_on,
        period_start=window.opens_on,
        **frozen_figures(pupil, window.opens_on, held_on),
    )
    review.full_clean()
    review.save()
    return review


def _unlocked(review: Review) -> None:
    if review.is_locked:
        raise ValidationError("This review is signed off; add an addendum instead.")


def review_update(*, actor: Any, review: Review, student_voice: str, comment: str, risk: str) -> Review:
    _unlocked(review)
    review.student_voice, review.comment, review.risk = student_voice, comment, risk
    review.full_clean()
    review.save()
    return review


SMART_FIELDS = ("specific", "measure", "baseline", "achievable", "result", "due_on")


def target_add(*, actor: Any, review: Review, **wording: Any) -> LearningTarget:
    """A new SMART target; the Pastoral Support Programme's SMART check names every missing element."""
    from support_plans.models import TargetRevision

    _unlocked(review)
    probe = TargetRevision(**{name: wording.get(name) for name in SMART_FIELDS})
    missing = probe.missing_smart()
    if missing:
        raise ValidationError("This target is not SMART yet. Missing: " + "; ".join(missing) + ".")
    target = LearningTarget(
        organisation_id=review.organisation_id,
        pupil_id=review.pupil_id,
        review=review,
        **{name: wording[name] for name in SMART_FIELDS},
    )
    target.full_clean()
    target.save()
    return target


def target_delete(*, actor: Any, target: LearningTarget) -> None:
    _unlocked(target.review)
    target.delete()


def previous_targets(review: Review) -> list[LearningTarget]:
    """The student's targets set at earlier reviews, for progress at this one."""
    return list(
        LearningTarget.objects.filter(
            organisation_id=review.organisation_id,
            pupil_id=review.pupil_id,
            review__held_on__lte=review.held_on,
        )
        .exclude(review=review)
        .select_related("review__window")
    )


def progress_record(
    *, actor: Any, review: Review, ratings: dict[int, tuple[str, str]]
) -> list[TargetProgress]:
    """Progress on earlier targets: {target id: (rating, comment)}; a blank rating leaves a target unjudged."""
    _unlocked(review)
    allowed = {t.pk: t for t in previous_targets(review)}
    rows = []
    with transaction.atomic():
        for target_id, (rating, comment) in ratings.items():
            if target_id not in allowed:
                raise ValidationError("That target is not one of the student's earlier targets.")
            if not rating:
                TargetProgress.objects.filter(review=review, target_id=target_id).delete()
                continue
            row = TargetProgress.objects.filter(review=review, target_id=target_id).first() or TargetProgress(
                organisation_id=review.organisation_id, review=review, target=allowed[target_id]
            )
            row.rating, row.comment = rating, comment
            row.full_clean()
            row.save()
            rows.append(row)
    return rows


def action_add(*, actor: Any, review: Review, action: str, owner: str, due_on: datetime.date) -> ReviewAction:
    _unlocked(review)
    row = ReviewAction(
        organisation_id=review.organisation_id, review=review, action=action, owner=owner, due_on=due_on
    )
    row.full_clean()
    row.save()
    return row


def review_sign_off(*, actor: Any, review: Review, now: datetime.datetime | None = None) -> Review:
    """Sign the LPR off: it is locked from now; later changes are addenda."""
    _unlocked(review)
    missing = [
        label
        for value, label in (
            (review.comment.strip(), "the PAL's comment"),
            (review.risk, "the risk of withdrawal"),
        )
        if not value
    ]
    if missing:
        raise ValidationError("Before signing off, record " + " and ".join(missing) + ".")
    review.signed_off_at = now or timezone.now()
    review.signed_off_by = actor
    review.save(update_fields=["signed_off_at", "signed_off_by"])
    return review


def addendum_add(*, actor: Any, review: Review, text: str) -> Addendum:
    if not review.is_locked:
        raise ValidationError("Change the review itself until it is signed off.")
    row = Addendum(organisation_id=review.organisation_id, review=review, text=text, written_by=actor)
    row.full_clean()
    row.save()
    return row
