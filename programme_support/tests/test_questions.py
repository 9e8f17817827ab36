"""Questions to the provider during the year: private to the asker, the participant's mentor and the provider;
e-mailed through the task queue once committed; the unanswered-for-N-days list and the answered-in figures."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from programme_support import selectors, services
from programme_support.models import Message, MessageAttachment, Question
from programme_support.tests.world import SupportWorld, build_support_world, text_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> SupportWorld:
    return build_support_world()


def _ask(s: SupportWorld, who=None, place=None, subject: str = "Word limits", at=None) -> Question:  # noqa: ANN001
    return services.question_ask(
        actor=who or s.participant,
        enrolment=place or s.place,
        subject=subject,
        body="Is there a word limit for the structured reflections?",
        at=at,
    )


def test_it_emails_the_providers_administrators_once_the_question_commits(
    s: SupportWorld,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    """Asking through the form saves the question and e-mails Helen only when the transaction commits."""
    client = client_for(s.participant)
    data = {"enrolment": s.place.pk, "subject": "Word limits", "body": "Is there a word limit?"}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("programme_support:question_new"), data)
    question = Question.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/questions/{question.pk}/")
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    (sent,) = mail.outbox
    assert sent.to == [s.admin.email] and sent.subject == "Question from Teacher1 Oak: Word limits"
    assert f"/programme-support/questions/{question.pk}/" in sent.body
    assert "Is there a word limit?" not in sent.body  # the text stays behind the sign-in


def test_it_emails_the_asker_when_the_provider_answers(
    s: SupportWorld,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    """Helen's answer e-mails the asker, records the first answer and takes the question off the waiting list;
    a follow-up from the asker puts it back and e-mails the provider."""
    question = _ask(s)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(s.admin).post(
            reverse("programme_support:question", args=[question.pk]), {"body": "No limit: 500 to 800 words."}
        )
    (answer,) = mail.outbox
    assert answer.to == [s.participant.email] and answer.subject == "Answer to your question: Word limits"
    question.refresh_from_db()
    assert question.first_answered_at is not None and question.awaiting_answer_since is None
    assert Message.objects.filter(question=question, from_provider=True).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.question_reply(actor=s.participant, question=question, body="Thank you. And the deadline?")
    assert mail.outbox[-1].to == [s.admin.email] and mail.outbox[-1].subject.startswith("Follow-up from")
    question.refresh_from_db()
    assert question.awaiting_answer_since is not None


def test_it_shows_a_mentor_their_mentees_questions_and_no_one_elses(s: SupportWorld) -> None:
    """Mona reads Teacher1's question; not the ISQAM participant's (another mentor's mentee: 403), nor a
    question another mentor asked about their own mentee."""
    mine = _ask(s)
    other = _ask(s, who=s.other_participant, place=s.other_place, subject="ISQAM question")
    mentors_own = _ask(s, who=s.other_mentor, place=s.other_place, subject="Mentor's question")
    client = client_for(s.mentor)
    assert client.get(reverse("programme_support:question", args=[mine.pk])).status_code == 200
    for question in (other, mentors_own):
        assert client.get(reverse("programme_support:question", args=[question.pk])).status_code == 403
    listing = client.get(reverse("programme_support:home") + "?show=all").content.decode()
    assert (
        "Word limits" in listing
        and "ISQAM question" not in listing
        and "Mentor&#x27;s question" not in listing
    )
    assert list(selectors.visible_questions(s.mentor)) == [mine]


def test_it_keeps_a_mentors_own_question_from_the_participant(s: SupportWorld) -> None:
    """A question the mentor asks is between the mentor and the provider: the mentee gets 403."""
    question = _ask(s, who=s.mentor, subject="How do I support my mentee?")
    assert (
        client_for(s.participant).get(reverse("programme_support:question", args=[question.pk])).status_code
        == 403
    )
    assert (
        client_for(s.mentor).get(reverse("programme_support:question", args=[question.pk])).status_code == 200
    )


@outsider_test(
    "programme_support:question", "programme_support:question_close", "programme_support:attachment"
)
def test_it_hides_questions_from_another_provider_and_another_school(s: SupportWorld) -> None:
    """Another provider's administrator and a Riverside member of staff get 404 for the thread, closing it and
    its attachments."""
    question = services.question_ask(
        actor=s.participant,
        enrolment=s.place,
        subject="Evidence",
        body="See the attached plan.",
        upload=text_file(),
    )
    attachment = MessageAttachment.objects.get()
    for user in (s.other_provider_admin, s.outsider):
        client = client_for(user)
        assert_outsider_404(client, reverse("programme_support:question", args=[question.pk]))
        assert_outsider_404(client, reverse("programme_support:question_close", args=[question.pk]), "post")
        assert_outsider_404(client, reverse("programme_support:attachment", args=[attachment.pk]))
    assert Question.objects.get(pk=question.pk).is_open


def test_it_refuses_another_participant_of_the_same_school(s: SupportWorld) -> None:
    """Within the school's reach but not theirs: 403 for the thread, its attachment and closing it."""
    question = services.question_ask(
        actor=s.participant,
        enrolment=s.place,
        subject="Evidence",
        body="See the attached plan.",
        upload=text_file(),
    )
    attachment = MessageAttachment.objects.get()
    client = client_for(s.other_participant)
    assert client.get(reverse("programme_support:question", args=[question.pk])).status_code == 403
    assert client.get(reverse("programme_support:attachment", args=[attachment.pk])).status_code == 403
    assert client.post(reverse("programme_support:question_close", args=[question.pk])).status_code == 403
    mentor = client_for(s.mentor)
    assert mentor.post(reverse("programme_support:question_close", args=[question.pk])).status_code == 403
    download = mentor.get(reverse("programme_support:attachment", args=[attachment.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


def test_it_shows_the_provider_every_question(s: SupportWorld) -> None:
    """Helen reads and answers every question to her provider, whoever asked."""
    questions = [_ask(s), _ask(s, who=s.other_mentor, place=s.other_place, subject="Mentor's question")]
    client = client_for(s.admin)
    for question in questions:
        assert client.get(reverse("programme_support:question", args=[question.pk])).status_code == 200
    assert set(selectors.visible_questions(s.admin)) == set(questions)
    assert not selectors.visible_questions(s.other_provider_admin).exists()


def test_it_refuses_an_attachment_of_the_wrong_type_with_a_clear_error(s: SupportWorld) -> None:
    """A reply with an HTML file is refused on the form and nothing is written."""
    question = _ask(s)
    page = client_for(s.participant).post(
        reverse("programme_support:question", args=[question.pk]),
        {"body": "Here it is.", "file": text_file("plan.html", b"<h1>plan</h1>")},
    )
    assert page.status_code == 200 and "That type of file cannot be attached" in page.content.decode()
    assert question.messages.count() == 1 and not MessageAttachment.objects.exists()


def test_it_refuses_to_ask_without_a_place(s: SupportWorld) -> None:
    """Someone with no place or mentee (the CPD coordinator) cannot ask; a withdrawn place cannot be asked about."""
    assert client_for(s.q.coordinator).get(reverse("programme_support:question_new")).status_code == 403
    s.place.status = "withdrawn"
    s.place.save()
    page = client_for(s.participant).post(
        reverse("programme_support:question_new"), {"enrolment": s.place.pk, "subject": "x", "body": "y"}
    )
    assert page.status_code == 403 and not Question.objects.exists()


def test_it_lists_questions_unanswered_for_more_than_the_setting(s: SupportWorld, settings) -> None:
    """With N = 3 days, a question waiting 4 days is listed (home panel and list), one waiting 2 days is not,
    an answered or closed one neither."""
    settings.PROGRAMME_SUPPORT_UNANSWERED_DAYS = 3
    now = timezone.now()
    late = _ask(s, subject="Waiting four days", at=now - datetime.timedelta(days=4))
    _ask(s, subject="Waiting two days", at=now - datetime.timedelta(days=2))
    answered = _ask(s, subject="Answered", at=now - datetime.timedelta(days=6))
    services.question_reply(actor=s.admin, question=answered, body="Done.")
    closed = _ask(s, subject="Closed", at=now - datetime.timedelta(days=6))
    services.question_close(actor=s.participant, question=closed)
    assert list(selectors.awaiting_answer(s.admin, days=3)) == [late]
    client = client_for(s.admin)
    page = client.get(reverse("programme_support:home") + "?show=waiting").content.decode()
    assert "Waiting four days" in page and "Waiting two days" not in page and "Answered" not in page
    assert "1 question unanswered for more than 3 days" in client.get("/").content.decode()
    assert not selectors.awaiting_answer(s.participant, days=3).exists()


def test_it_reports_the_time_to_first_answer_on_the_provider_overview(s: SupportWorld) -> None:
    """Median and 90th percentile of the time to the first answer, by edition, with those waiting."""
    start = timezone.now() - datetime.timedelta(days=20)
    for hours in (2, 4, 30):
        question = _ask(s, at=start)
        services.question_reply(
            actor=s.admin, question=question, body="Answer.", at=start + datetime.timedelta(hours=hours)
        )
    _ask(s, subject="Still waiting", at=start)
    (row,) = selectors.answer_figures(s.admin, days=5)
    assert (row.asked, row.answered, row.waiting, row.overdue) == (4, 3, 1, 1)
    assert row.median == datetime.timedelta(hours=4) and row.median_words == "4 h"
    assert row.p90 == datetime.timedelta(hours=24.8) and row.p90_words == "1 day"  # 4 h + 0.8 × (30 h − 4 h)
    page = client_for(s.admin).get(reverse("qualifications:provider_dashboard")).content.decode()
    assert "Questions from participants and mentors" in page and "4 h" in page


def test_it_lets_the_asker_close_and_reopens_on_their_next_message(s: SupportWorld) -> None:
    """Closing takes the question off the lists; the asker writing again opens it."""
    question = _ask(s)
    response = client_for(s.participant).post(reverse("programme_support:question_close", args=[question.pk]))
    assert response.status_code == 302
    question.refresh_from_db()
    assert not question.is_open and question.awaiting_answer_since is None
    services.question_reply(actor=s.participant, question=question, body="One more thing.")
    question.refresh_from_db()
    assert question.is_open and question.awaiting_answer_since is not None
