"""Reads with rules for course materials and questions: an edition's library as a user may see it, what is new
since their last visit, the questions a user may read, the unanswered list and the answered-in figures."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from programme_support import permissions as perms
from programme_support.models import Question, Resource, ResourceVisit
from qualifications import permissions as qual_perms
from qualifications.models import Edition

DEFAULT_UNANSWERED_DAYS = 5


def unanswered_days() -> int:
    """How long a question may wait for the provider's answer before it is listed as unanswered (a setting)."""
    return int(getattr(settings, "PROGRAMME_SUPPORT_UNANSWERED_DAYS", DEFAULT_UNANSWERED_DAYS))


# --- Course materials -------------------------------------------------------------------------


def visible_resources(user: Any, edition: Edition) -> QuerySet[Resource]:
    return (
        Resource.objects.filter(perms.resource_q(user), edition=edition)
        .distinct()
        .select_related("module", "training_day__cluster", "added_by")
    )


@dataclass
class Section:
    """One part of an edition's library: the whole programme, a module, or a training day."""

    title: str
    resources: list[Resource] = field(default_factory=list)


def library(user: Any, edition: Edition, since: datetime.datetime | None) -> list[Section]:
    """The edition's materials this user may open, programme-wide first, then by module, then by training day;
    each marked `is_new` when added after `since` (the user's previous visit; everything is new on the first)."""
    sections: dict[tuple[int, int, str], Section] = {}
    for resource in visible_resources(user, edition).order_by("added_at", "pk"):
        resource.is_new = since is None or resource.added_at > since  # type: ignore[attr-defined]  # for display
        day, module = resource.training_day, resource.module
        if day is not None:
            key = (2, int(day.starts_at.timestamp()), day.cluster.name)
            title = f"Training day: {day.cluster.name}, {timezone.localtime(day.starts_at):%-d %B %Y}"
        elif module is not None:
            key = (1, module.number, "")
            title = f"Module {module.number}: {module.title}"
        else:
            key, title = (0, 0, ""), "For the whole programme"
        sections.setdefault(key, Section(title)).resources.append(resource)
    return [sections[k] for k in sorted(sections)]


def last_visit(user: Any, edition: Edition) -> datetime.datetime | None:
    visit = ResourceVisit.objects.filter(edition=edition, user=user).first()
    return visit.last_visited_at if visit else None


def library_editions(user: Any) -> QuerySet[Edition]:
    """The editions whose materials this user may open: their places and mentees', the editions they facilitate,
    and every edition of a provider they administer."""
    places = perms.askable_enrolments(user).values("edition_id")
    q = Q(pk__in=places) | Q(organisation_id__in=qual_perms.admin_provider_ids(user))
    q |= Q(
        clusters__facilitators__facilitator=user,
        organisation_id__in=qual_perms.facilitator_provider_ids(user),
    )
    return (
        Edition.objects.filter(q)
        .distinct()
        .select_related("programme", "academic_year")
        .order_by("-academic_year__starts_on", "programme__code")
    )


@dataclass
class NewMaterials:
    edition: Edition
    count: int
    latest: list[Resource]


def new_since_last_visit(user: Any) -> list[NewMaterials]:
    """For each edition where the user holds or mentors a place: the materials they may open that were added since
    they last opened the edition's materials (all of them if they never have)."""
    editions = Edition.objects.filter(
        pk__in=perms.askable_enrolments(user).values("edition_id")
    ).select_related("programme", "academic_year")
    visits = dict(ResourceVisit.objects.filter(user=user).values_list("edition_id", "last_visited_at"))
    rows = []
    for edition in editions.order_by("-academic_year__starts_on", "programme__code"):
        new = visible_resources(user, edition)
        if edition.pk in visits:
            new = new.filter(added_at__gt=visits[edition.pk])
        count = new.count()
        if count:
            rows.append(NewMaterials(edition, count, list(new.order_by("-added_at", "-pk")[:3])))
    return rows


def training_day_notes(days: list[Any]) -> dict[int, list[str]]:
    """For the calendar feeds: each training day's materials (those of the day and of the modules it covers) by
    title, and where to open them (after signing in)."""
    if not days:
        return {}
    module_ids = {m.pk for day in days for m in day.modules.all()}
    resources = list(
        Resource.objects.filter(Q(training_day__in=[d.pk for d in days]) | Q(module_id__in=module_ids))
        .only("title", "kind", "training_day_id", "module_id", "edition_id")
        .order_by("added_at", "pk")
    )
    base = settings.PASTORAL_BASE_URL.rstrip("/")
    notes: dict[int, list[str]] = {}
    for day in days:
        modules = {m.pk for m in day.modules.all()}
        titles = [r.title for r in resources if r.training_day_id == day.pk or r.module_id in modules]
        if titles:
            url = base + reverse("programme_support:library", args=[day.cluster.edition_id])
            notes[day.pk] = [f"Course materials: {'; '.join(titles)}", f"Open them (sign in): {url}"]
    return notes


# --- Questions --------------------------------------------------------------------------------


def visible_questions(user: Any) -> QuerySet[Question]:
    return (
        Question.objects.filter(perms.question_q(user))
        .distinct()
        .select_related("asked_by", "enrolment__participant", "enrolment__edition__programme", "organisation")
    )


def awaiting_answer(user: Any, *, days: int, now: datetime.datetime | None = None) -> QuerySet[Question]:
    """Open questions to the user's providers that have waited more than `days` days for an answer, longest first."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return (
        visible_questions(user)
        .filter(
            provider_id__in=qual_perms.admin_provider_ids(user),
            closed_at__isnull=True,
            awaiting_answer_since__lt=cutoff,
        )
        .order_by("awaiting_answer_since", "pk")
    )


def duration_words(delta: datetime.timedelta | None) -> str:
    """A waiting time for people: "3 h", "2 days 4 h"."""
    if delta is None:
        return "—"
    hours = int(delta.total_seconds() // 3600)
    days, hours = divmod(hours, 24)
    if not days:
        return f"{hours} h" if hours else "under an hour"
    return f"{days} day{'s' if days != 1 else ''}" + (f" {hours} h" if hours else "")


@dataclass
class AnswerFigures:
    """How quickly an edition's questions got their first answer from the provider."""

    edition: Edition
    asked: int = 0
    answered: int = 0
    waiting: int = 0
    overdue: int = 0
    median: datetime.timedelta | None = None
    p90: datetime.timedelta | None = None

    @property
    def median_words(self) -> str:
        return duration_words(self.median)

    @property
    def p90_words(self) -> str:
        return duration_words(self.p90)


def answer_figures(user: Any, *, days: int, now: datetime.datetime | None = None) -> list[AnswerFigures]:
    """Per edition of the user's providers with questions: how many were asked and answered, the median and 90th
    percentile time to the first answer, how many wait now and how many for more than `days` days."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=days)
    rows: dict[int, AnswerFigures] = {}
    waits: dict[int, list[datetime.timedelta]] = {}
    questions = Question.objects.filter(provider_id__in=qual_perms.admin_provider_ids(user)).select_related(
        "enrolment__edition__programme", "enrolment__edition__academic_year"
    )
    for q in questions.order_by("enrolment__edition_id", "created_at"):
        row = rows.setdefault(q.enrolment.edition_id, AnswerFigures(q.enrolment.edition))
        row.asked += 1
        if q.first_answered_at:
            row.answered += 1
            waits.setdefault(row.edition.pk, []).append(q.first_answered_at - q.created_at)
        if q.closed_at is None and q.awaiting_answer_since is not None:
            row.waiting += 1
            row.overdue += q.awaiting_answer_since < cutoff
    for edition_id, times in waits.items():
        seconds = sorted(t.total_seconds() for t in times)
        rows[edition_id].median = datetime.timedelta(seconds=statistics.median(seconds))
        p90 = statistics.quantiles(seconds, n=10, method="inclusive")[8] if len(seconds) > 1 else seconds[0]
        rows[edition_id].p90 = datetime.timedelta(seconds=p90)
    return sorted(
        rows.values(),
        key=lambda r: (-r.edition.academic_year.starts_on.toordinal(), r.edition.programme.code),
    )
