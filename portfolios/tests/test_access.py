"""Who sees what: participant, mentor (only mentees), reviewer, moderator (only the sample, anonymised),
administrator; another school gets 404 everywhere, the wrong role in the same organisation 403."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from portfolios import services
from portfolios.models import Outcome
from portfolios.tests.world import build_portfolio_world, ready_to_submit
from qualifications.models import Activity

pytestmark = pytest.mark.django_db
BASE = "http://testserver"


def _full_world():  # noqa: ANN202
    """Pip's portfolio submitted, reviewed, sampled, moderated and certified; every kind of object exists."""
    world = build_portfolio_world()
    portfolio = ready_to_submit(world)
    activity = Activity.objects.get(module__level=portfolio.enrolment.level, number="1.1")
    entry = portfolio.entries.get(activity=activity, sequence=1)
    attachment = services.attachment_add(
        actor=world.participant,
        entry=entry,
        upload=SimpleUploadedFile("notes.pdf", b"%PDF-1.4 test", "application/pdf"),
    )
    meeting = services.meeting_log(
        actor=world.mentor,
        portfolio=portfolio,
        held_on=portfolio.created_at.date(),
        minutes=30,
        topics="Module 1",
    )
    submission = services.portfolio_submit(actor=world.participant, portfolio=portfolio)
    (review,) = services.reviews_allocate(
        actor=world.admin, provider=world.provider, reviewers=[world.reviewer], submissions=[submission]
    ).reviews
    services.review_record(
        actor=world.reviewer,
        review=review,
        judgements={m.pk: (Outcome.SATISFACTORY, "Good") for m in portfolio.enrolment.level.modules.all()},
        outcome=Outcome.SATISFACTORY,
        feedback="Well done.",
        rating=4,
        borderline=False,
    )
    sample = services.sample_draw(actor=world.admin, edition=world.programme.edition, seed=1)
    item = sample.items.get()
    services.sample_item_moderate(actor=world.moderator, item=item, verdict="agree", reasons="")
    (cert,) = services.sample_finalise(actor=world.admin, sample=sample, base_url=BASE)
    return world, {
        "portfolio": portfolio,
        "activity": activity,
        "entry": entry,
        "attachment": attachment,
        "meeting": meeting,
        "review": review,
        "sample": sample,
        "item": item,
        "cert": cert,
    }


def _urls(o: dict) -> list[tuple[str, str]]:
    p, a, e = o["portfolio"].pk, o["activity"].pk, o["entry"].pk
    return [
        ("get", f"/portfolios/{p}/"),
        ("get", f"/portfolios/{p}/module/1/"),
        ("get", f"/portfolios/{p}/activity/{a}/"),
        ("get", f"/portfolios/{p}/activity/{a}/1/"),
        ("post", f"/portfolios/{p}/activity/{a}/skip/"),
        ("get", f"/portfolios/{p}/meetings/"),
        ("get", f"/portfolios/{p}/statement/"),
        ("get", f"/portfolios/{p}/submit/"),
        ("get", f"/portfolios/{p}/extension/"),
        ("get", f"/portfolios/{p}/evaluation/"),
        ("post", f"/portfolios/entry/{e}/attach/"),
        ("post", f"/portfolios/entry/{e}/comment/"),
        ("get", f"/portfolios/attachment/{o['attachment'].pk}/"),
        ("get", f"/portfolios/attachment/{o['attachment'].pk}/delete/"),
        ("post", f"/portfolios/meeting/{o['meeting'].pk}/confirm/"),
        ("get", f"/portfolios/review/{o['review'].pk}/"),
        ("get", f"/portfolios/moderation/{o['item'].pk}/"),
        ("post", f"/portfolios/moderation/{o['item'].pk}/resolve/"),
        ("get", f"/portfolios/administration/sample/{o['sample'].pk}/"),
        ("get", f"/portfolios/administration/sample/{o['sample'].pk}/finalise/"),
        ("get", f"/portfolios/certificate/{o['cert'].pk}/pdf/"),
        ("get", f"/portfolios/certificate/{o['cert'].pk}/credential/"),
        ("get", f"/portfolios/certificate/{o['cert'].pk}/revoke/"),
    ]


@outsider_test(
    "portfolios:portfolio",
    "portfolios:module",
    "portfolios:entry_first",
    "portfolios:entry",
    "portfolios:entry_skip",
    "portfolios:meetings",
    "portfolios:statement",
    "portfolios:submit",
    "portfolios:extension",
    "portfolios:evaluation",
    "portfolios:attachment_upload",
    "portfolios:comment_add",
    "portfolios:attachment",
    "portfolios:attachment_delete",
    "portfolios:meeting_confirm",
    "portfolios:review",
    "portfolios:moderate",
    "portfolios:resolve",
    "portfolios:sample",
    "portfolios:finalise",
    "portfolios:certificate_pdf",
    "portfolios:certificate_json",
    "portfolios:certificate_revoke",
)
def test_it_shows_another_school_nothing() -> None:
    """Riverside's senior leader, participant and mentor get 404 for every Oakfield portfolio URL."""
    world, objects = _full_world()
    for user in (world.school.outsider, world.other_participant, world.other_mentor):
        client = client_for(user)
        for method, url in _urls(objects):
            assert_outsider_404(client, url, method)


def test_it_refuses_the_wrong_role_in_the_same_school_with_403() -> None:
    world, objects = _full_world()
    tutor = client_for(world.school.tutor)
    for method, url in _urls(objects)[:10]:
        assert getattr(tutor, method)(url).status_code == 403, url
    # The other participant at Pip's school cannot open Pip's portfolio either.
    assert client_for(world.participant2).get(f"/portfolios/{objects['portfolio'].pk}/").status_code == 403
    for method, url in _urls(objects)[10:16]:
        assert getattr(tutor, method)(url).status_code == 403, url
    assert tutor.get(f"/portfolios/review/{objects['review'].pk}/").status_code == 403
    # Provider staff who are not administrators: 403 on the administrator's pages.
    for url in (
        f"/portfolios/administration/sample/{objects['sample'].pk}/",
        f"/portfolios/administration/sample/{objects['sample'].pk}/finalise/",
        f"/portfolios/moderation/{objects['item'].pk}/",
    ):
        assert client_for(world.reviewer2).get(url).status_code == 403, url
    assert (
        client_for(world.reviewer2).post(f"/portfolios/moderation/{objects['item'].pk}/resolve/").status_code
        == 403
    )
    # A reviewer not allocated, and provider admin pages for non-admins.
    assert client_for(world.reviewer2).get(f"/portfolios/review/{objects['review'].pk}/").status_code == 403
    assert client_for(world.reviewer).get("/portfolios/administration/").status_code == 403
    assert (
        client_for(world.reviewer).get(f"/portfolios/certificate/{objects['cert'].pk}/revoke/").status_code
        == 403
    )


def test_it_shows_a_mentor_only_their_mentees() -> None:
    world = build_portfolio_world()
    mona = client_for(world.mentor)
    home = mona.get("/portfolios/").content.decode()
    assert "Pip Participant" in home and "Quinn Participant" in home and "Rhea" not in home
    assert mona.get(f"/portfolios/{world.portfolio.pk}/").status_code == 200
    assert mona.get(f"/portfolios/{world.other_portfolio.pk}/").status_code == 404
    # Rex mentors Rhea only.
    rex = client_for(world.other_mentor)
    assert rex.get(f"/portfolios/{world.portfolio.pk}/").status_code == 404
    assert rex.get(f"/portfolios/{world.other_portfolio.pk}/").status_code == 200
    # A mentor reads but does not edit.
    activity = Activity.objects.get(module__level=world.portfolio.enrolment.level, number="1.1")
    assert (
        mona.post(f"/portfolios/{world.portfolio.pk}/activity/{activity.pk}/1/", {"body": "x"}).status_code
        == 403
    )


def test_it_shows_a_moderator_only_the_sample_without_names() -> None:
    world, objects = _full_world()
    # Quinn's portfolio is reviewed too but has not been sampled (it is not even submitted).
    moira = client_for(world.moderator)
    assert moira.get(f"/portfolios/{objects['portfolio'].pk}/").status_code == 404
    assert moira.get(f"/portfolios/{world.portfolio2.pk}/").status_code == 404
    home = moira.get("/portfolios/").content.decode()
    assert "Portfolio 001" in home
    page = moira.get(f"/portfolios/moderation/{objects['item'].pk}/").content.decode()
    assert "Portfolio 001" in page and "Entry for 3.2" in page
    for name in ("Pip Participant", "pip@", "Oakfield", "Mona Mentor"):
        assert name not in page, name
    assert moira.get(f"/portfolios/administration/sample/{objects['sample'].pk}/").status_code == 403
