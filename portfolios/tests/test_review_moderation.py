"""Review with balanced loads, one resubmission window, moderation with disagreements, final outcomes,
certificates per level and the public verification page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from core.testing.personas import client_for
from portfolios import credentials, services
from portfolios.models import Certificate, Outcome, Portfolio, Review
from portfolios.tests.world import build_portfolio_world, ready_to_submit

pytestmark = pytest.mark.django_db
BASE = "http://testserver"


def _judge(world, review: Review, outcome: str = Outcome.SATISFACTORY, rating: int = 3) -> Review:  # noqa: ANN001
    modules = review.submission.portfolio.enrolment.level.modules.all()
    return services.review_record(
        actor=review.reviewer,
        review=review,
        judgements={m.pk: (outcome, "Feedback") for m in modules},
        outcome=outcome,
        feedback="Overall feedback",
        rating=rating,
        borderline=False,
    )


def test_it_allocates_with_balanced_loads() -> None:
    world = build_portfolio_world()
    submissions = [
        services.portfolio_submit(actor=p.enrolment.participant, portfolio=ready_to_submit(world, p))
        for p in (world.portfolio, world.portfolio2, world.other_portfolio)
    ]
    response = client_for(world.admin).post(
        "/portfolios/administration/allocate/", {"reviewers": [world.reviewer.pk, world.reviewer2.pk]}
    )
    assert response.status_code == 302
    loads = sorted(Review.objects.filter(submission__in=submissions).values_list("reviewer_id", flat=True))
    assert sorted([loads.count(world.reviewer.pk), loads.count(world.reviewer2.pk)]) == [1, 2]
    page = client_for(world.admin).get("/portfolios/administration/").content.decode()
    loads_table = page.split('id="loads-h"')[1].split("</table>")[0]
    assert "Ray Reviewer" in loads_table and "Rita Reviewer" in loads_table


def test_it_opens_one_resubmission_window_for_not_yet(django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    world = build_portfolio_world()
    portfolio = ready_to_submit(world)
    first = services.portfolio_submit(actor=world.participant, portfolio=portfolio)
    (review,) = services.reviews_allocate(
        actor=world.admin, provider=world.provider, reviewers=[world.reviewer], submissions=[first]
    ).reviews
    with django_capture_on_commit_callbacks(execute=True):
        _judge(world, review, Outcome.NOT_YET)
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.RESUBMISSION and portfolio.resubmit_by
    (notice,) = mail.outbox
    assert notice.to == [world.participant.email] and "resubmit it once" in notice.body
    second = services.portfolio_submit(actor=world.participant, portfolio=portfolio)
    assert second.number == 2
    (review2,) = services.reviews_allocate(
        actor=world.admin,
        provider=world.provider,
        reviewers=[world.reviewer, world.reviewer2],
        submissions=[second],
    ).reviews
    assert review2.reviewer == world.reviewer  # back to the first reviewer
    _judge(world, review2, Outcome.NOT_YET)
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.REVIEWED  # no second window
    with pytest.raises(ValidationError, match="already been submitted"):
        services.portfolio_submit(actor=world.participant, portfolio=portfolio)


def test_it_refuses_a_satisfactory_whole_with_a_module_not_yet() -> None:
    world = build_portfolio_world()
    sub = services.portfolio_submit(actor=world.participant, portfolio=ready_to_submit(world))
    (review,) = services.reviews_allocate(
        actor=world.admin, provider=world.provider, reviewers=[world.reviewer], submissions=[sub]
    ).reviews
    modules = list(world.portfolio.enrolment.level.modules.all())
    judgements = {m.pk: (Outcome.SATISFACTORY, "ok") for m in modules}
    judgements[modules[0].pk] = (Outcome.NOT_YET, "missing evidence")
    with pytest.raises(ValidationError, match="cannot be satisfactory"):
        services.review_record(
            actor=world.reviewer,
            review=review,
            judgements=judgements,
            outcome=Outcome.SATISFACTORY,
            feedback="",
            rating=3,
            borderline=False,
        )


def test_it_finalises_only_after_disagreements_are_resolved_and_certifies(
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    world = build_portfolio_world()
    reviews = []
    for p in (world.portfolio, world.portfolio2):
        sub = services.portfolio_submit(actor=p.enrolment.participant, portfolio=ready_to_submit(world, p))
        reviews += services.reviews_allocate(
            actor=world.admin, provider=world.provider, reviewers=[world.reviewer], submissions=[sub]
        ).reviews
    _judge(world, reviews[0], Outcome.SATISFACTORY, 5)
    _judge(world, reviews[1], Outcome.SATISFACTORY, 2)
    sample = services.sample_draw(actor=world.admin, edition=world.programme.edition, seed=99)
    assert sample.items.count() == 2  # a cluster of two: all of it
    again = services.sample_draw(actor=world.admin, edition=world.programme.edition, seed=99)
    assert list(again.items.values_list("review_id", flat=True)) == list(
        sample.items.values_list("review_id", flat=True)
    )
    first, second = sample.items.order_by("review_id")
    services.sample_item_moderate(actor=world.moderator, item=first, verdict="agree", reasons="")
    with pytest.raises(ValidationError, match="reasons"):
        services.sample_item_moderate(actor=world.moderator, item=second, verdict="disagree", reasons="")
    services.sample_item_moderate(
        actor=world.moderator, item=second, verdict="disagree", reasons="Module 3 evidence is thin."
    )
    with pytest.raises(ValidationError, match="still need"):
        services.sample_finalise(actor=world.admin, sample=sample, base_url=BASE)
    admin = client_for(world.admin)
    admin.post(
        f"/portfolios/moderation/{second.pk}/resolve/",
        {"outcome": Outcome.NOT_YET, "note": "Agree with moderator."},
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/portfolios/administration/sample/{sample.pk}/finalise/", follow=True)
    assert "1 certificate(s) issued" in response.content.decode()
    assert [m.to for m in mail.outbox] == [[world.participant.email]]
    assert "/portfolios/verify/" in mail.outbox[0].body
    world.portfolio.refresh_from_db()
    world.portfolio2.refresh_from_db()
    assert world.portfolio.final_outcome == Outcome.SATISFACTORY
    assert world.portfolio2.final_outcome == Outcome.NOT_YET
    assert not Certificate.objects.filter(portfolio=world.portfolio2).exists()
    with pytest.raises(ValidationError, match="closed"):
        services.sample_item_moderate(
            actor=world.moderator, item=first, verdict="disagree", reasons="Changed my mind entirely"
        )


def test_it_shows_the_certificate_publicly_and_as_a_pdf_with_qr() -> None:
    world = build_portfolio_world()
    world.portfolio.final_outcome = Outcome.SATISFACTORY
    world.portfolio.save()
    cert = services.certificate_issue(portfolio=world.portfolio, base_url=BASE)
    public = Client().get(f"/portfolios/verify/{cert.code}/")
    body = public.content.decode()
    assert public.status_code == 200
    for text in (
        "Valid",
        "Pip Participant",
        "Pastoral Leadership Qualification",
        "Level 1",
        cert.issued_at.strftime("%-d %B %Y"),
    ):
        assert text in body, text
    assert Client().get("/portfolios/verify/NOSUCHCODE00/").status_code == 404
    pdf = client_for(world.participant).get(f"/portfolios/certificate/{cert.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    download = client_for(world.participant).get(f"/portfolios/certificate/{cert.pk}/credential/")
    assert download["Content-Disposition"] == f'attachment; filename="credential-{cert.code}.json"'
    assert credentials.unenvelope(download.json()) == cert.credential_jwt
    bare = client_for(world.participant).get(f"/portfolios/certificate/{cert.pk}/credential/?format=jwt")
    assert bare.content.decode() == cert.credential_jwt


def test_it_shows_both_levels_together_when_both_are_done() -> None:
    world = build_portfolio_world()
    world.portfolio.final_outcome = Outcome.SATISFACTORY
    world.portfolio.save()
    level1 = services.certificate_issue(portfolio=world.portfolio, base_url=BASE)
    from portfolios.fixtures import enrol
    from qualifications.models import Cluster

    cluster2 = Cluster.objects.create(
        organisation=world.provider,
        edition=world.programme.edition,
        level=world.programme.level2,
        name="Level 2 cluster",
        capacity=10,
    )
    p2 = services.portfolio_for_enrolment(
        enrolment=enrol(
            cluster=cluster2, school=world.school.school, participant=world.participant, mentor=world.mentor
        )
    )
    p2.final_outcome = Outcome.SATISFACTORY
    p2.save()
    services.certificate_issue(portfolio=p2, base_url=BASE)
    body = Client().get(f"/portfolios/verify/{level1.code}/").content.decode()
    assert "Level 1 and Level 2 (both completed)" in body


def test_it_revokes_with_a_confirmation() -> None:
    world = build_portfolio_world()
    world.portfolio.final_outcome = Outcome.SATISFACTORY
    world.portfolio.save()
    cert = services.certificate_issue(portfolio=world.portfolio, base_url=BASE)
    admin = client_for(world.admin)
    assert "Revoke certificate" in admin.get(f"/portfolios/certificate/{cert.pk}/revoke/").content.decode()
    assert admin.post(f"/portfolios/certificate/{cert.pk}/revoke/", {"reason": ""}).status_code == 200
    admin.post(f"/portfolios/certificate/{cert.pk}/revoke/", {"reason": "Plagiarism found"})
    cert.refresh_from_db()
    assert cert.revoked_at and cert.revoked_reason == "Plagiarism found"
