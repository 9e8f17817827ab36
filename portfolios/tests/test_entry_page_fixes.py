"""The entry page's small fixes (issue 19): the comment box has its own id, drafts keep you on the entry."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.testing.personas import client_for
from portfolios.models import Entry
from portfolios.tests.world import build_portfolio_world
from qualifications.models import Activity

pytestmark = pytest.mark.django_db


def _activity(world, number: str) -> Activity:  # noqa: ANN001
    return Activity.objects.get(module__level=world.portfolio.enrolment.level, number=number)


def _url(world, activity: Activity, n: int = 1) -> str:  # noqa: ANN001
    return f"/portfolios/{world.portfolio.pk}/activity/{activity.pk}/{n}/"


def test_it_gives_the_comment_box_its_own_id() -> None:
    """The "Comment" label points at the comment box, not at the entry's body."""
    world = build_portfolio_world()
    activity = _activity(world, "1.1")
    client_for(world.participant).post(_url(world, activity), {"body": "<p>x</p>", "draft": "1"})
    page = client_for(world.participant).get(_url(world, activity)).content.decode()
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "every id on the page is unique"
    assert re.search(r'<label for="id_comment_body">Comment', page)
    assert re.search(r'<textarea name="body"[^>]*id="id_comment_body"', page)
    entry = Entry.objects.get(portfolio=world.portfolio, activity=activity)
    client_for(world.mentor).post(f"/portfolios/entry/{entry.pk}/comment/", {"body": "Add the policy link."})
    assert entry.comments.get().body == "Add the policy link."


def test_it_keeps_the_participant_on_the_entry_after_saving_a_draft() -> None:
    """Save draft returns to the entry being written; Mark complete still goes back to the module."""
    world = build_portfolio_world()
    activity = _activity(world, "1.1")
    client = client_for(world.participant)
    response = client.post(_url(world, activity), {"body": "<p>Half</p>", "draft": "1"})
    assert response.status_code == 302 and response["Location"] == _url(world, activity)
    assert "Draft saved." in client.get(response["Location"]).content.decode()
    done = client.post(_url(world, activity), {"body": "<p>Whole</p>", "complete": "1"})
    assert done["Location"] == f"/portfolios/{world.portfolio.pk}/module/{activity.module.number}/"


def test_it_attaches_evidence_on_the_first_visit_creating_the_entry_as_a_draft() -> None:
    """No entry yet: the page offers the file field, and attaching saves the text as a draft with the file."""
    world = build_portfolio_world()
    activity = _activity(world, "1.1")
    client = client_for(world.participant)
    page = client.get(_url(world, activity)).content.decode()
    assert not Entry.objects.filter(portfolio=world.portfolio, activity=activity).exists()
    assert 'type="file" name="file"' in page and 'name="attach"' in page
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    response = client.post(_url(world, activity), {"body": "<p>My plan</p>", "attach": "1", "file": pdf})
    assert response.status_code == 302 and response["Location"] == _url(world, activity)
    entry = Entry.objects.get(portfolio=world.portfolio, activity=activity)
    assert entry.status == Entry.Status.DRAFT and entry.body == "<p>My plan</p>"
    assert [a.original_name for a in entry.attachments.all()] == ["plan.pdf"]
    assert "Draft saved and plan.pdf attached." in client.get(_url(world, activity)).content.decode()


def test_it_keeps_the_draft_when_the_file_is_refused() -> None:
    """A refused file says why, and the words typed are saved all the same."""
    world = build_portfolio_world()
    activity = _activity(world, "1.1")
    client = client_for(world.participant)
    bad = SimpleUploadedFile("page.html", b"<script>alert(1)</script>")
    response = client.post(
        _url(world, activity), {"body": "<p>Keep me</p>", "attach": "1", "file": bad}, follow=True
    )
    assert "cannot be attached" in response.content.decode()
    entry = Entry.objects.get(portfolio=world.portfolio, activity=activity)
    assert entry.body == "<p>Keep me</p>" and not entry.attachments.exists()


def test_it_refuses_attaching_through_the_entry_form_to_the_mentor() -> None:
    """Only the participant writes and attaches: the mentor's post is 403 and nothing is created."""
    world = build_portfolio_world()
    activity = _activity(world, "1.1")
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    response = client_for(world.mentor).post(_url(world, activity), {"body": "x", "attach": "1", "file": pdf})
    assert response.status_code == 403
    assert not Entry.objects.filter(portfolio=world.portfolio, activity=activity).exists()


def test_it_serves_the_editor_as_a_static_script_over_the_stored_html() -> None:
    """The editor page loads editor.js (no inline script), its toolbar drives the body, which holds the stored HTML."""
    world = build_portfolio_world()
    activity = _activity(world, "1.1")
    client = client_for(world.participant)
    client.post(_url(world, activity), {"body": "<p><strong>Bold</strong> text</p>", "draft": "1"})
    page = client.get(_url(world, activity)).content.decode()
    assert re.search(r'<script src="[^"]*portfolios/editor\.js" defer></script>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "no inline script"
    assert re.search(r'data-editor-for="id_body" hidden', page)
    assert 'data-command="bold"' in page and 'data-command="list"' in page
    assert "&lt;p&gt;&lt;strong&gt;Bold&lt;/strong&gt; text&lt;/p&gt;" in page  # the textarea's stored HTML
