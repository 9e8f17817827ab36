"""Who may see and do what with portfolios.

- The participant: their own portfolio (edits it while it is open).
- The mentor named on the enrolment: reads their mentees' portfolios, comments, logs meetings, writes the statement.
- The provider's programme administrators: every portfolio of the provider.
- A reviewer: the portfolios allocated to them.
- An external moderator (role `moderator` at the programme's university partner): only sampled portfolios, and
  only through the anonymised moderation pages.
Anyone else in the same school or the provider gets 403; anyone from another organisation 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

from access.permissions import get_for_user, has_role, organisations_with_role, reachable_organisation_ids
from access.roles import Role
from portfolios.models import Certificate, ModerationSample, Portfolio, Review, SampleItem


def admin_provider_ids(user: Any) -> set[int]:
    return organisations_with_role(user, Role.PROGRAMME_ADMIN)


def is_programme_admin(user: Any, provider_id: int | None = None) -> bool:
    ids = admin_provider_ids(user)
    return bool(ids) if provider_id is None else provider_id in ids


def is_reviewer(user: Any) -> bool:
    return has_role(user, [Role.REVIEWER])


def is_moderator(user: Any) -> bool:
    return has_role(user, [Role.MODERATOR])


def portfolio_filter(user: Any) -> Q:
    """A Q over Portfolio matching the portfolios the user may open as themselves."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    q = Q(enrolment__participant=user) | Q(enrolment__mentor=user)
    admin_ids = admin_provider_ids(user)
    if admin_ids:
        q |= Q(provider_id__in=admin_ids)
    return q | Q(pk__in=Review.objects.filter(reviewer=user).values("submission__portfolio_id"))


def visible_portfolios(user: Any) -> QuerySet[Portfolio]:
    """Portfolios the user may open as themselves (moderators use the anonymised sample instead)."""
    if not getattr(user, "is_authenticated", False):
        return Portfolio.objects.none()
    return Portfolio.objects.filter(portfolio_filter(user))


def can_view_portfolio(user: Any, portfolio: Portfolio) -> bool:
    return visible_portfolios(user).filter(pk=portfolio.pk).exists()


def is_participant(user: Any, portfolio: Portfolio) -> bool:
    return portfolio.enrolment.participant_id == user.pk


def is_mentor(user: Any, portfolio: Portfolio) -> bool:
    return portfolio.enrolment.mentor_id == user.pk


def can_edit_portfolio(user: Any, portfolio: Portfolio) -> bool:
    return is_participant(user, portfolio) and portfolio.status in (
        Portfolio.Status.IN_PROGRESS,
        Portfolio.Status.RESUBMISSION,
    )


def can_mentor(user: Any, portfolio: Portfolio) -> bool:
    return is_mentor(user, portfolio)


def can_meet(user: Any, portfolio: Portfolio) -> bool:
    return is_mentor(user, portfolio) or is_participant(user, portfolio)


def can_administer(user: Any, portfolio: Portfolio) -> bool:
    return is_programme_admin(user, portfolio.provider_id)


def _within_reach(user: Any, *fields: str) -> Q:
    """Records of the user's organisations reached through any of `fields`: refused (403), never hidden (404)."""
    reach = reachable_organisation_ids(user)
    q = Q(pk__in=[])
    for name in fields:
        q |= Q(**{f"{name}__in": reach})
    return q


def fetch_portfolio(
    user: Any,
    pk: int,
    check: Callable[[Any, Portfolio], bool] | None = None,
    queryset: QuerySet | None = None,
) -> Portfolio:
    """One portfolio for this user: 404 outside their organisations, 403 inside them without the right."""
    qs = (queryset if queryset is not None else Portfolio.objects.all()).select_related(
        "enrolment__participant",
        "enrolment__mentor",
        "enrolment__level",
        "enrolment__edition__programme",
        "enrolment__cluster",
        "organisation",
    )

    def theirs(user: Any, portfolio: Portfolio) -> bool:
        return can_view_portfolio(user, portfolio) and (check is None or check(user, portfolio))

    theirs.__name__ = getattr(check, "__name__", "can_view_portfolio")
    visible = portfolio_filter(user) | _within_reach(user, "organisation_id", "provider_id")
    return get_for_user(user, qs, theirs, visible=visible, pk=pk)


def can_open_review(user: Any, review: Review) -> bool:
    """A review is opened by its allocated reviewer, and read by the provider's programme administrator."""
    return review.reviewer_id == user.pk or is_programme_admin(user, review.submission.portfolio.provider_id)


def can_judge_review(user: Any, review: Review) -> bool:
    """Only the allocated reviewer records the judgement."""
    return review.reviewer_id == user.pk


def fetch_review(user: Any, pk: int) -> Review:
    """A review for its reviewer or the provider's administrator: 404 when its portfolio is outside the user's
    organisations (as `fetch_portfolio`), 403 inside them for anyone else (the participant and mentor included)."""
    qs = Review.objects.select_related(
        "submission__portfolio__enrolment__participant",
        "submission__portfolio__enrolment__level",
    )
    portfolios = Portfolio.objects.filter(
        portfolio_filter(user) | _within_reach(user, "organisation_id", "provider_id")
    )
    return get_for_user(user, qs, can_open_review, visible=Q(submission__portfolio__in=portfolios), pk=pk)


def visible_sample_items(user: Any) -> QuerySet[SampleItem]:
    """Sampled portfolios a moderator may moderate: those of programmes partnered with their university."""
    return SampleItem.objects.filter(_moderated_q(user))


def _moderated_q(user: Any) -> Q:
    universities = organisations_with_role(user, Role.MODERATOR)
    return Q(sample__edition__programme__university_partner_id__in=universities)


def can_moderate_item(user: Any, item: SampleItem) -> bool:
    """A sampled portfolio is opened by a moderator of its programme's university or the provider's administrator."""
    return item.sample.edition.programme.university_partner_id in organisations_with_role(
        user, Role.MODERATOR
    ) or item.organisation_id in admin_provider_ids(user)


def can_record_verdict(user: Any, item: SampleItem) -> bool:
    """Only a moderator of the programme's university records a verdict on a sampled portfolio."""
    return item.sample.edition.programme.university_partner_id in organisations_with_role(
        user, Role.MODERATOR
    )


def can_resolve_item(user: Any, item: SampleItem) -> bool:
    """Only the provider's programme administrator resolves a moderator's disagreement."""
    return item.organisation_id in admin_provider_ids(user)


def fetch_sample_item(
    user: Any, pk: int, check: Callable[[Any, SampleItem], bool] = can_moderate_item
) -> SampleItem:
    """A sampled portfolio for a moderator (or the provider's administrator): 404 outside the user's organisations,
    403 inside them without the right (`check`: opening it by default, or `can_record_verdict`,
    `can_resolve_item`)."""
    qs = SampleItem.objects.select_related("sample__edition__programme", "review__submission__portfolio")
    visible = (
        _moderated_q(user)
        | Q(organisation_id__in=admin_provider_ids(user))
        | _within_reach(user, "organisation_id")
    )
    return get_for_user(user, qs, check, visible=visible, pk=pk)


def fetch_certificate(user: Any, pk: int, *, manage: bool = False) -> Certificate:
    """A certificate for its holder (download) or the provider's administrator (revoke)."""

    def can_have_certificate(user: Any, cert: Certificate) -> bool:
        return is_programme_admin(user, cert.organisation_id) or (not manage and cert.holder_id == user.pk)

    visible = Q(organisation_id__in=admin_provider_ids(user)) | _within_reach(
        user, "organisation_id", "portfolio__organisation_id"
    )
    if not manage:
        visible |= Q(holder_id=user.pk)
    qs = Certificate.objects.select_related("portfolio")
    return get_for_user(user, qs, can_have_certificate, visible=visible, pk=pk)


def can_open_sample(user: Any, sample: ModerationSample) -> bool:
    """Only the provider's administrator opens a whole moderation sample."""
    return sample.organisation_id in admin_provider_ids(user)


def fetch_sample(user: Any, pk: int) -> ModerationSample:
    """A moderation sample for the provider's administrator: 403 for other staff of the provider (and for
    moderators, who open sampled portfolios one at a time), 404 for everyone else."""
    visible = (
        Q(organisation_id__in=admin_provider_ids(user))
        | _within_reach(user, "organisation_id")
        | Q(pk__in=visible_sample_items(user).values("sample_id"))
    )
    return get_for_user(
        user, ModerationSample.objects.select_related("edition"), can_open_sample, visible=visible, pk=pk
    )
