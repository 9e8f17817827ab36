"""In Chromium with axe-core on every page: the administrator adds a link to the course materials; the participant
sees it as new on their home page, opens the library and asks a question; the administrator answers it and sees the
answered-in figures on the provider overview."""

from __future__ import annotations

import pytest

from core.testing.browser import axe_check, sign_in, visit
from programme_support.models import Question
from programme_support.tests.world import build_support_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page, name: str) -> None:  # noqa: ANN001
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()
    axe_check(page)


def test_it_shares_materials_and_answers_a_question(page, live_server):  # noqa: ANN001
    s = build_support_world()
    base = live_server.url
    sign_in(page, base, s.admin)
    visit(page, f"{base}/programme-support/editions/{s.q.plq.pk}/materials/")
    visit(page, f"{base}/programme-support/editions/{s.q.plq.pk}/materials/new/")
    page.get_by_label("Title").fill("PLQ Padlet")
    page.get_by_label("Link").fill("https://padlet.com/hmcpd/plq")
    _submit(page, "Add")
    assert "PLQ Padlet" in page.content()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, base, s.participant)
    visit(page, f"{base}/")
    assert "1 new material" in page.content()
    page.get_by_role("link", name=s.q.plq.title).first.click()
    page.wait_for_load_state()
    axe_check(page)
    visit(page, f"{base}/programme-support/")
    page.get_by_role("link", name="Ask the provider a question").click()
    page.wait_for_load_state()
    axe_check(page)
    _submit(page, "Send the question")
    assert "There is a problem" in page.content()  # nothing filled in: the errors, and axe on them
    page.get_by_label("Subject").fill("Word limits")
    page.get_by_label("Your question").fill("Is there a word limit for the reflections?")
    _submit(page, "Send the question")
    question = Question.objects.get()
    assert page.get_by_role("heading", level=1).inner_text() == "Word limits"
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, base, s.admin)
    visit(page, f"{base}/programme-support/questions/{question.pk}/")
    page.get_by_label("Your reply").fill("No limit: most are 500 to 800 words.")
    _submit(page, "Send")
    visit(page, f"{base}/qualifications/provider/")
    assert "Questions from participants and mentors" in page.content()
    visit(page, f"{base}/programme-support/?show=waiting")
