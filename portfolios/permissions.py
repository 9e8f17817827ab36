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

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from access.permissions import access_for, has_role, reachable_organisation_ids
from access.roles import Role
from audit.services import record_denied
from portfolios.models import Certificate, ModerationSample, Portfolio, Review, SampleItem


def _orgs_with_role(user: Any, role: str) -> set[int]:
    access = access_for(user)
    ids: set[int] = set()
    for grant in access.grants:
        if grant.role == role:
            ids |= access.reach.get(grant.organisation_id, {grant.organisation_id})
    return ids


def admin_provider_ids(user: Any) -> set[int]:
    return _orgs_with_role(user, Role.PROGRAMME_ADMIN)


def is_programme_admin(user: Any, provider_id: int | None = None) -> bool:
    ids = admin_provider_ids(user)
    return bool(ids) if provider_id is None else provider_id in ids


def is_reviewer(user: Any) -> bool:
    return has_role(user, [Role.REVIEWER])


def is_moderator(user: Any) -> bool:
    return has_role(user, [Role.MODERATOR])


def visible_portfolios(user: Any) -> QuerySet[Portfolio]:
    """Portfolios the user may open as themselves (moderators use the anonymised sample instead)."""
    if not getattr(user, "is_authenticated", False):
        return Portfolio.objects.none()
    q = Q(enrolment__participant=user) | Q(enrolment__mentor=user)
    admin_ids = admin_provider_ids(user)
    if admin_ids:
        q |= Q(provider_id__in=admin_ids)
    reviewed = Review.objects.filter(reviewer=user).values("submission__portfolio_id")
    q |= Q(pk__in=reviewed)
    return Portfolio.objects.filter(q)


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


def fetch_portfolio(
    user: Any,
    pk: int,
    check: Callable[[Any, Portfolio], bool] | None = None,
    queryset: QuerySet | None = None,
) -> Portfolio:
    """One portfolio for this user: 404 outside their organisations, 403 inside them without the right."""
    qs = queryset if queryset is not None else Portfolio.objects.all()
    qs = qs.select_related(
        "enrolment__participant",
        "enrolment__mentor",
        "enrolment__level",
        "enrolment__edition__programme",
        "enrolment__cluster",
        "organisation",
    )
    portfolio = visible_portfolios(user).filter(pk=pk).first()
    if portfolio is not None:
        portfolio = qs.get(pk=portfolio.pk)
        if check is None or check(user, portfolio):
            return portfolio
        record_denied(
            actor=user, model=Portfolio, lookup={"pk": pk}, reason="refused by check", obj=portfolio
        )
        raise PermissionDenied("You do not have permission to do this.")
    reach = reachable_organisation_ids(user)
    within = Portfolio.objects.filter(Q(organisation_id__in=reach) | Q(provider_id__in=reach), pk=pk).first()
    if within is not None:
        record_denied(actor=user, model=Portfolio, lookup={"pk": pk}, reason="not theirs", obj=within)
        raise PermissionDenied("You do not have permission to see this portfolio.")
    record_denied(actor=user, model=Portfolio, lookup={"pk": pk}, reason="not found or outside reach")
    raise Http404("No portfolio found.")


def visible_sample_items(user: Any) -> QuerySet[SampleItem]:
    """Sampled portfolios a moderator may moderate: those of programmes partnered with their university."""
    universities = _orgs_with_role(user, Role.MODERATOR)
    return SampleItem.objects.filter(sample__edition__programme__university_partner_id__in=universities)


def fetch_sample_item(user: Any, pk: int) -> SampleItem:
    """A sampled portfolio for a moderator (or the provider's administrator); 404 for everyone else."""
    qs = SampleItem.objects.select_related("sample__edition__programme", "review__submission__portfolio")
    item = visible_sample_items(user).filter(pk=pk).first()
    if item is None:
        item = qs.filter(pk=pk, organisation_id__in=admin_provider_ids(user)).first()
        if item is None:
            reach = reachable_organisation_ids(user)
            within = SampleItem.objects.filter(pk=pk, organisation_id__in=reach).exists()
            record_denied(actor=user, model=SampleItem, lookup={"pk": pk}, reason="not in the user's sample")
            if within:
                raise PermissionDenied("Only moderators and administrators may open the sample.")
            raise Http404("No sampled portfolio found.")
        return item
    return qs.get(pk=item.pk)


def fetch_certificate(user: Any, pk: int, *, manage: bool = False) -> Certificate:
    """A certificate for its holder (download) or the provider's administrator (revoke)."""
    cert = Certificate.objects.select_related("portfolio").filter(pk=pk).first()
    if cert is not None:
        if is_programme_admin(user, cert.organisation_id):
            return cert
        if not manage and cert.holder_id == user.pk:
            return cert
        reach = reachable_organisation_ids(user)
        if cert.organisation_id in reach or cert.portfolio.organisation_id in reach:
            record_denied(actor=user, model=Certificate, lookup={"pk": pk}, reason="not theirs", obj=cert)
            raise PermissionDenied("You do not have permission to do this.")
    record_denied(actor=user, model=Certificate, lookup={"pk": pk}, reason="not found or outside reach")
    raise Http404("No certificate found.")


def fetch_sample(user: Any, pk: int) -> ModerationSample:
    """A moderation sample for the provider's administrator: 403 for other staff of the provider (and for
    moderators, who open sampled portfolios one at a time), 404 for everyone else."""
    sample = ModerationSample.objects.select_related("edition").filter(pk=pk).first()
    if sample is not None and sample.organisation_id in admin_provider_ids(user):
        return sample
    if sample is not None and (
        sample.organisation_id in reachable_organisation_ids(user)
        or visible_sample_items(user).filter(sample=sample).exists()
    ):
        record_denied(
            actor=user, model=ModerationSample, lookup={"pk": pk}, reason="not an administrator", obj=sample
        )
        raise PermissionDenied("Only the programme administrator opens the whole sample.")
    record_denied(actor=user, model=ModerationSample, lookup={"pk": pk}, reason="not found or outside reach")
    raise Http404("No sample found.")
