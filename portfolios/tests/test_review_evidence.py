"""The reviewer and the moderator open the evidence from their pages, and judge each module beside it (issue 19)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from core.testing.outsider import outsider_test
from core.testing.personas import client_for
from portfolios import services
from portfolios.models import Attachment, Entry, Outcome, Review, SampleItem
from portfolios.tests.world import PortfolioWorld, build_portfolio_world, ready_to_submit

pytestmark = pytest.mark.django_db


@dataclass
class Sampled:
    world: PortfolioWorld
    attachment: Attachment
    review: Review
    item: SampleItem


def _attach(portfolio: Any, number: str, name: str, content: bytes) -> Attachment:
    entry = Entry.objects.get(portfolio=portfolio, activity__number=number, sequence=1)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return services.attachment_add(actor=portfolio.enrolment.participant, entry=entry, upload=upload)


def _submitted_with_evidence() -> tuple[PortfolioWorld, Attachment, Review]:
    world = build_portfolio_world()
    portfolio = ready_to_submit(world)
    attachment = _attach(portfolio, "1.1", "lesson-plan.pdf", b"%PDF-1.4 plan")
    sub = services.portfolio_submit(actor=world.participant, portfolio=portfolio)
    (review,) = services.reviews_allocate(
        actor=world.admin, provider=world.provider, reviewers=[world.reviewer], submissions=[sub]
    ).reviews
    return world, attachment, review


def _sampled() -> Sampled:
    world, attachment, review = _submitted_with_evidence()
    services.review_record(
        actor=world.reviewer,
        review=review,
        judgements={
            m.pk: (Outcome.SATISFACTORY, f"Module {m.number} secure")
            for m in world.portfolio.enrolment.level.modules.all()
        },
        outcome=Outcome.SATISFACTORY,
        feedback="Good",
        rating=3,
        borderline=False,
    )
    sample = services.sample_draw(actor=world.admin, edition=world.programme.edition, seed=7)
    return Sampled(world, attachment, review, sample.items.get(review=review))


def test_it_links_each_attachment_on_the_review_page_and_audits_the_reviewer_opening_it() -> None:
    """The reviewer's page links the file; opening it is a download, recorded as a read."""
    world, attachment, review = _submitted_with_evidence()
    client = client_for(world.reviewer)
    page = client.get(f"/portfolios/review/{review.pk}/").content.decode()
    assert f'<a href="/portfolios/attachment/{attachment.pk}/">lesson-plan.pdf</a>' in page
    response = client.get(f"/portfolios/attachment/{attachment.pk}/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 plan"
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.READ,
        actor=world.reviewer,
        object_type="portfolios.Attachment",
        object_id=str(attachment.pk),
    ).exists()


def test_it_puts_each_modules_judgement_beside_that_modules_evidence() -> None:
    """Module by module: its entries, then its judgement fields, before the next module starts."""
    world, _attachment, review = _submitted_with_evidence()
    page = client_for(world.reviewer).get(f"/portfolios/review/{review.pk}/").content.decode()
    modules = list(world.portfolio.enrolment.level.modules.order_by("number"))
    starts = [page.index(f'id="module-{m.number}-h"') for m in modules] + [page.index("The whole portfolio")]
    for i, module in enumerate(modules):
        section = page[starts[i] : starts[i + 1]]
        assert f'name="module_{module.pk}_outcome"' in section
        assert f'name="module_{module.pk}_feedback"' in section
        entry_at = [m.start() for m in re.finditer(r"<h4>Activity " + str(module.number) + r"\.", section)]
        assert entry_at and max(entry_at) < section.index(f'name="module_{module.pk}_outcome"')
    assert page.index("lesson-plan.pdf") < starts[1]
    assert "review.css" in page  # the judgement column stays in view (sticky) as the entries scroll


def test_it_links_each_attachment_on_the_moderation_page_and_audits_the_moderator_opening_it() -> None:
    """The moderator opens the file through the moderation URL; the read is recorded with the pseudonym."""
    s = _sampled()
    client = client_for(s.world.moderator)
    page = client.get(f"/portfolios/moderation/{s.item.pk}/").content.decode()
    url = f"/portfolios/moderation/{s.item.pk}/attachment/{s.attachment.pk}/"
    assert f'<a href="{url}">lesson-plan.pdf</a>' in page
    assert "Pip Participant" not in page
    assert "Module 1 secure" in page  # the reviewer's judgement beside the module's evidence
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 plan"
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.READ,
        actor=s.world.moderator,
        object_id=str(s.attachment.pk),
        note__contains=s.item.pseudonym,
    ).exists()
    # The portfolio's own attachment URL stays closed to the moderator (they see only the anonymised pages).
    assert client.get(f"/portfolios/attachment/{s.attachment.pk}/").status_code == 404


@outsider_test("portfolios:moderation_attachment")
def test_it_refuses_the_moderation_attachment_to_an_outsider_with_404() -> None:
    """Someone from another organisation gets 404."""
    s = _sampled()
    url = f"/portfolios/moderation/{s.item.pk}/attachment/{s.attachment.pk}/"
    assert client_for(s.world.other_mentor).get(url).status_code == 404


def test_it_refuses_the_moderation_attachment_to_a_provider_reviewer_with_403() -> None:
    """A reviewer at the provider (not a moderator nor an administrator) gets 403."""
    s = _sampled()
    url = f"/portfolios/moderation/{s.item.pk}/attachment/{s.attachment.pk}/"
    assert client_for(s.world.reviewer2).get(url).status_code == 403


def test_it_refuses_a_file_that_is_not_in_the_sampled_portfolio_with_404() -> None:
    """The moderation URL serves only files the sampled submission lists, not another portfolio's."""
    s = _sampled()
    services.entry_save(
        actor=s.world.participant2,
        portfolio=s.world.portfolio2,
        activity=s.attachment.entry.activity,
        body="<p>Another</p>",
    )
    other = _attach(s.world.portfolio2, "1.1", "other.pdf", b"%PDF-1.4 other")
    url = f"/portfolios/moderation/{s.item.pk}/attachment/{other.pk}/"
    assert client_for(s.world.moderator).get(url).status_code == 404
