"""In Chromium with axe-core (issue 19): the entry editor shows formatting as formatting (not tags) and keeps
autosave, evidence is attached on the first visit, and the reviewer opens the evidence beside the judgement."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.testing.browser import axe_check, sign_in, visit
from portfolios import services
from portfolios.models import Entry
from portfolios.tests.world import build_portfolio_world, ready_to_submit
from qualifications.models import Activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_formats_as_formatting_and_attaches_on_the_first_visit(page, live_server, tmp_path) -> None:  # noqa: ANN001
    """Bold and a bulleted list show as such, are stored as sanitised HTML by autosave, and a file attaches at once."""
    world = build_portfolio_world()
    portfolio = world.portfolio
    activity = Activity.objects.get(module__level=portfolio.enrolment.level, number="1.1")
    base = live_server.url
    url = f"{base}/portfolios/{portfolio.pk}/activity/{activity.pk}/1/"
    sign_in(page, base, world.participant)
    visit(page, url)  # the first visit: no entry yet

    editor = page.get_by_role("textbox", name="Your entry")
    editor.click()
    page.keyboard.type("A bold start")
    editor.select_text()
    page.get_by_role("button", name="Bold").click()
    assert page.get_by_role("button", name="Bold").get_attribute("aria-pressed") == "true"
    page.keyboard.press("End")
    page.get_by_role("button", name="Bold").click()  # bold off again for what follows
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Bulleted list").click()
    page.keyboard.type("first point")
    assert editor.locator("b, strong").inner_text() == "A bold start"
    assert editor.locator("ul li").inner_text() == "first point"
    assert "<" not in editor.inner_text()  # formatting, not visible tags
    page.get_by_text("Draft saved at").wait_for()  # autosave (htmx) still runs
    body = Entry.objects.get(portfolio=portfolio, activity=activity).body
    assert "<strong>A bold start</strong>" in body and "<li>first point</li>" in body
    axe_check(page)

    evidence = tmp_path / "plan.pdf"
    evidence.write_bytes(b"%PDF-1.4 the plan")
    page.get_by_label("Attach a file").set_input_files(str(evidence))
    page.get_by_role("button", name="Attach file").click()
    page.wait_for_load_state()
    assert page.url == url  # still on the entry
    assert "Draft saved and plan.pdf attached." in page.content()
    assert page.get_by_role("link", name="plan.pdf", exact=True).is_visible()
    axe_check(page)
    # Reopened, the editor shows the stored formatting, not tags.
    editor = page.get_by_role("textbox", name="Your entry")
    assert editor.locator("strong").inner_text() == "A bold start"
    assert "<strong>" not in editor.inner_text()
    entry = Entry.objects.get(portfolio=portfolio, activity=activity)
    assert entry.status == Entry.Status.DRAFT and [a.original_name for a in entry.attachments.all()] == [
        "plan.pdf"
    ]


def test_it_lets_the_reviewer_open_the_evidence_beside_the_judgement(page, live_server) -> None:  # noqa: ANN001
    """The review page links each file; the judgement of Module 1 sits beside Module 1's evidence."""
    world = build_portfolio_world()
    portfolio = ready_to_submit(world)
    entry = Entry.objects.get(portfolio=portfolio, activity__number="1.1", sequence=1)
    services.attachment_add(
        actor=world.participant,
        entry=entry,
        upload=SimpleUploadedFile("lesson-plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf"),
    )
    sub = services.portfolio_submit(actor=world.participant, portfolio=portfolio)
    (review,) = services.reviews_allocate(
        actor=world.admin, provider=world.provider, reviewers=[world.reviewer], submissions=[sub]
    ).reviews
    base = live_server.url
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in(page, base, world.reviewer)
    visit(page, f"{base}/portfolios/review/{review.pk}/")

    link = page.get_by_role("link", name="lesson-plan.pdf", exact=True)
    judgement = page.get_by_role("group", name="Module 1: outcome")
    link_box, judgement_box = link.bounding_box(), judgement.bounding_box()
    assert link_box and judgement_box
    assert judgement_box["x"] > link_box["x"] + link_box["width"]  # beside the evidence, not above it
    module2 = page.locator("#module-2-h").bounding_box()
    assert module2 and judgement_box["y"] < module2["y"]
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "lesson-plan.pdf"
    with open(download.value.path(), "rb") as fh:
        assert fh.read() == b"%PDF-1.4 plan"
