"""The entry editor: sanitised rich text, autosave, choices, optional skips, minimum counts, attachments."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.testing.personas import client_for
from portfolios import selectors
from portfolios.models import Attachment, Entry
from portfolios.tests.world import build_portfolio_world
from qualifications.models import Activity

pytestmark = pytest.mark.django_db


def _activity(world, number: str) -> Activity:  # noqa: ANN001
    return Activity.objects.get(module__level=world.portfolio.enrolment.level, number=number)


def _url(world, activity: Activity, n: int = 1) -> str:  # noqa: ANN001
    return f"/portfolios/{world.portfolio.pk}/activity/{activity.pk}/{n}/"


def _status(world, number: str) -> selectors.ActivityProgress:  # noqa: ANN001
    for module in selectors.activity_progress(world.portfolio):
        for item in module.activities:
            if item.activity.number == number:
                return item
    raise AssertionError(number)


def test_it_sanitises_rich_text() -> None:
    world = build_portfolio_world()
    client = client_for(world.participant)
    activity = _activity(world, "3.1")
    body = '<p onclick="x()">Hello <strong>there</strong><script>alert(1)</script><a href="javascript:alert(1)">l</a></p>'
    assert client.post(_url(world, activity), {"body": body, "draft": "1"}).status_code == 302
    entry = Entry.objects.get(portfolio=world.portfolio, activity=activity)
    assert "<strong>there</strong>" in entry.body
    assert "script" not in entry.body and "onclick" not in entry.body and "javascript" not in entry.body
    assert _status(world, "3.1").status == selectors.DRAFT


def test_it_autosaves_drafts_over_htmx() -> None:
    world = build_portfolio_world()
    activity = _activity(world, "1.1")
    response = client_for(world.participant).post(
        _url(world, activity),
        {"body": "<p>Half a thought</p>", "reflection_what": "We met"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Draft saved" in response.content.decode()
    entry = Entry.objects.get(portfolio=world.portfolio, activity=activity)
    assert entry.status == Entry.Status.DRAFT and entry.reflection["what"] == "We met"


def test_it_needs_an_alternative_for_a_choice_activity() -> None:
    world = build_portfolio_world()
    client = client_for(world.participant)
    activity = _activity(world, "2.2")
    page = client.post(_url(world, activity), {"body": "<p>Done</p>", "complete": "1"})
    assert page.status_code == 200 and "Choose which alternative" in page.content.decode()
    client.post(
        _url(world, activity),
        {"body": "<p>Done</p>", "alternative": "Observe a parents' meeting", "complete": "1"},
    )
    assert _status(world, "2.2").status == selectors.COMPLETE


def test_it_lets_optional_activities_be_skipped_but_not_required_ones() -> None:
    world = build_portfolio_world()
    client = client_for(world.participant)
    client.post(f"/portfolios/{world.portfolio.pk}/activity/{_activity(world, '1.2').pk}/skip/")
    assert _status(world, "1.2").skipped
    client.post(f"/portfolios/{world.portfolio.pk}/activity/{_activity(world, '1.1').pk}/skip/")
    assert not Entry.objects.filter(portfolio=world.portfolio, activity__number="1.1").exists()


def test_it_counts_minimum_records_each_as_its_own_entry() -> None:
    world = build_portfolio_world()
    client = client_for(world.participant)
    activity = _activity(world, "3.2")
    for n in range(1, 5):
        client.post(
            _url(world, activity, n),
            {"record_date": "2026-10-01", "record_focus": f"Lesson {n}", "complete": "1"},
        )
    item = _status(world, "3.2")
    assert (item.done_count, item.needed, item.status) == (4, 5, selectors.DRAFT)
    page = client.get(_url(world, activity, 5)).content.decode()
    assert "Record 4 (complete)" in page and "Focus" in page
    client.post(_url(world, activity, 5), {"record_focus": "Lesson 5", "complete": "1"})
    assert _status(world, "3.2").status == selectors.COMPLETE


def test_it_accepts_allowed_attachments_and_serves_them_only_as_downloads() -> None:
    world = build_portfolio_world()
    client = client_for(world.participant)
    activity = _activity(world, "1.1")
    client.post(_url(world, activity), {"body": "<p>x</p>", "draft": "1"})
    entry = Entry.objects.get(portfolio=world.portfolio, activity=activity)
    pdf = SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    client.post(f"/portfolios/entry/{entry.pk}/attach/", {"file": pdf})
    attachment = Attachment.objects.get(entry=entry)
    assert "evidence" not in attachment.file.name  # stored under a random name in MEDIA_ROOT
    response = client_for(world.mentor).get(f"/portfolios/attachment/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 evidence"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<script>alert(1)</script>", "cannot be attached"),
        ("image.svg", b"<svg onload=alert(1)>", "cannot be attached"),
        ("fake.pdf", b"<html>not a pdf</html>", "does not match"),
        ("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "larger than 10 MB"),
    ],
)
def test_it_refuses_dangerous_or_large_attachments(name: str, content: bytes, message: str) -> None:
    world = build_portfolio_world()
    client = client_for(world.participant)
    activity = _activity(world, "1.1")
    client.post(_url(world, activity), {"body": "<p>x</p>", "draft": "1"})
    entry = Entry.objects.get(portfolio=world.portfolio, activity=activity)
    response = client.post(
        f"/portfolios/entry/{entry.pk}/attach/", {"file": SimpleUploadedFile(name, content)}, follow=True
    )
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


def test_it_lets_the_mentor_comment_on_an_entry() -> None:
    world = build_portfolio_world()
    activity = _activity(world, "1.1")
    client_for(world.participant).post(_url(world, activity), {"body": "<p>x</p>", "draft": "1"})
    entry = Entry.objects.get(portfolio=world.portfolio, activity=activity)
    client_for(world.mentor).post(
        f"/portfolios/entry/{entry.pk}/comment/", {"body": "Good start; add the policy link."}
    )
    page = client_for(world.participant).get(_url(world, activity)).content.decode()
    assert "Good start; add the policy link." in page and "Mona Mentor" in page


def test_it_shows_progress_per_module_and_level() -> None:
    world = build_portfolio_world()
    client = client_for(world.participant)
    client.post(_url(world, _activity(world, "4.1")), {"body": "<p>Audit</p>", "complete": "1"})
    page = client.get(f"/portfolios/{world.portfolio.pk}/").content.decode()
    assert "Module 4: Technology and pastoral care" in page and "1 of 1 (100%)" in page
    assert "17% of required activities complete" in page  # 1 of 6 required, choice and minimum activities
    module_page = client.get(f"/portfolios/{world.portfolio.pk}/module/2/").content.decode()
    assert "Not started" in module_page and "0 of 3 records" in module_page


def test_it_turns_plain_text_into_paragraphs() -> None:
    from portfolios.services import sanitise

    assert sanitise("First <3 line\nsecond\n\nNext") == "<p>First &lt;3 line<br>second</p><p>Next</p>"
    assert sanitise("Tom & Jerry") == "<p>Tom &amp; Jerry</p>"
