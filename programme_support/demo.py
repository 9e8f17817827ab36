"""Demo data for course materials and questions (order 36, after qualifications and portfolios): links and a
reading list on each current edition, for the whole programme, a module and the first training day; and questions
from the main school's participant and mentor, some answered and one waiting longer than the unanswered limit."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from programme_support import services
from programme_support.selectors import unanswered_days
from qualifications.models import Edition, Enrolment, TrainingDay

LINKS = {
    "PLQJ": ("PLQJ Padlet: materials and discussion", "https://padlet.com/hmcpd/plqj"),
    "PLQ": ("PLQ online materials", "https://www.hmc.org.uk/plq-materials"),
    "ISQAM": ("ISQAM online materials", "https://www.hmc.org.uk/isqam-materials"),
}
READING_LIST = (
    "Reading list\n\n"
    "Stoll, L., 'Stimulating Learning Conversations'.\n"
    "Brown and Isaacs, 'Systems Thinkers'.\n"
    "Your school's pastoral and safeguarding policies.\n"
)


def _at(world: Any, days_ago: int, hour: int = 10) -> datetime.datetime:
    day = world.today - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _materials(world: Any, edition: Edition, admin: Any, facilitator: Any) -> None:
    code = edition.programme.code
    title, url = LINKS.get(code, (f"{code} online materials", "https://www.hmc.org.uk/"))
    services.resource_add(actor=admin, edition=edition, title=title, url=url, at=_at(world, 40))
    services.resource_add(
        actor=admin,
        edition=edition,
        title="Reading list",
        description="The readings the portfolio activities refer to.",
        upload=SimpleUploadedFile("reading-list.txt", READING_LIST.encode(), content_type="text/plain"),
        at=_at(world, 30),
    )
    module = edition.modules.order_by("number").first()
    if module is not None:
        services.resource_add(
            actor=admin,
            edition=edition,
            module=module,
            title=f"Module {module.number} slides and case studies",
            url=f"https://www.hmc.org.uk/{code.lower()}-module-{module.number}",
            at=_at(world, 20),
        )
    day = (
        TrainingDay.objects.filter(cluster__edition=edition)
        .select_related("cluster")
        .order_by("starts_at")
        .first()
    )
    if day is not None:
        services.resource_add(
            actor=facilitator,
            edition=edition,
            training_day=day,
            title="Pre-reading for the training day",
            url=f"https://www.hmc.org.uk/{code.lower()}-training-day",
            at=_at(world, 2),
        )


def _questions(world: Any, place: Enrolment, admin: Any) -> None:
    """Two answered questions and one waiting longer than the unanswered limit."""
    answered = services.question_ask(
        actor=place.participant,
        enrolment=place,
        subject="Word count for the structured reflections",
        body="Is there a word limit for the structured reflections on the training sessions?",
        at=_at(world, 12),
    )
    services.question_reply(
        actor=admin,
        question=answered,
        body="There is no word limit: most reflections are 500 to 800 words. Quality matters more than length.",
        at=_at(world, 11, 15),
    )
    mentor_question = services.question_ask(
        actor=place.mentor,
        enrolment=place,
        subject="Mentor training session",
        body="I missed the online mentor training. Is there a recording?",
        at=_at(world, 8),
    )
    services.question_reply(
        actor=admin,
        question=mentor_question,
        body="Yes: the recording is in the course materials for the whole programme.",
        at=_at(world, 6),
    )
    services.question_ask(
        actor=place.participant,
        enrolment=place,
        subject="Evidence for the tutor observations",
        body="Can the observation of tutorials (activity 1.5) include a form period I co-taught?",
        at=_at(world, unanswered_days() + 2),
    )


def build_demo(world: Any) -> None:
    admin, facilitator = world.users.get("programme_admin"), world.users.get("facilitator")
    editions: dict[str, Edition] = world.extra.get("qualification_editions", {})
    if admin is None or facilitator is None:
        return
    for edition in editions.values():
        _materials(world, edition, admin, facilitator)
    participant = world.users.get("participant")
    place = next(
        (
            e
            for e in world.extra.get("enrolments", [])
            if e.participant == participant and e.status == "enrolled"
        ),
        None,
    )
    if place is not None:
        _questions(world, place, admin)
