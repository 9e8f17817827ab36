"""Drawing, moderating, resolving and finalising the external moderation sample."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portfolios import forms, selectors, services
from portfolios.models import (
    Outcome,
)
from portfolios.permissions import (
    admin_provider_ids,
    can_record_verdict,
    can_resolve_item,
    fetch_sample,
    fetch_sample_item,
)
from portfolios.views.common import _base_url, _errors
from qualifications.models import Edition, Module

# --- Moderation --------------------------------------------------------------------------------


@require_POST
def sample_draw(request: HttpRequest) -> HttpResponse:
    provider_ids = admin_provider_ids(request.user)
    if not provider_ids:
        raise PermissionDenied("Only programme administrators draw the sample.")
    form = forms.SampleForm(request.POST, editions=Edition.objects.filter(organisation_id__in=provider_ids))
    if not form.is_valid():
        messages.error(request, "Choose an edition.")
        return redirect("portfolios:provider_admin")
    try:
        sample = services.sample_draw(
            actor=request.user, edition=form.cleaned_data["edition"], seed=form.cleaned_data["seed"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
        return redirect("portfolios:provider_admin")
    messages.success(
        request, f"Sample drawn. Its random number is {sample.seed}: give it again to draw the same sample."
    )
    return redirect("portfolios:sample", pk=sample.pk)


@require_GET
def sample_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sample = fetch_sample(request.user, pk)
    items = sample.items.select_related(
        "review__reviewer",
        "review__submission__portfolio__enrolment__participant",
        "review__submission__portfolio__enrolment__cluster",
    )
    return render(
        request,
        "portfolios/sample_detail.html",
        {
            "sample": sample,
            "items": items,
            "outcome_choices": Outcome.choices,
            "can_finalise": not sample.finalised_at and all(i.settled for i in items),
        },
    )


@require_http_methods(["GET", "POST"])
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """A sampled portfolio, anonymised: no participant or school names. Only its moderator records a verdict here
    (the administrator resolves disagreements from the sample page)."""
    item = fetch_sample_item(request.user, pk, can_record_verdict)
    form = forms.ModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sample_item_moderate(
                actor=request.user,
                item=item,
                verdict=form.cleaned_data["verdict"],
                reasons=form.cleaned_data["reasons"],
            )
        except ValidationError as exc:
            for m in _errors(exc):
                form.add_error(None, m)
        else:
            messages.success(request, f"Verdict recorded for {item.pseudonym}.")
            return redirect("portfolios:home")
    review_obj = item.review
    snapshot = dict(review_obj.submission.snapshot)
    snapshot.pop("participant", None)
    judgements = list(review_obj.module_judgements.select_related("module"))
    modules = list(Module.objects.filter(level_id=review_obj.submission.portfolio.enrolment.level_id))
    return render(
        request,
        "portfolios/moderate.html",
        {
            "item": item,
            "form": form,
            "review": review_obj,
            "snapshot": snapshot,
            "module_fields": [
                (group, None, None)
                for group in selectors.evidence_by_module(review_obj.submission, modules, judgements)
            ],
        },
    )


@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    item = fetch_sample_item(request.user, pk, can_resolve_item)
    form = forms.ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.sample_item_resolve(actor=request.user, item=item, **form.cleaned_data)
            messages.success(request, f"{item.pseudonym} resolved.")
        except ValidationError as exc:
            messages.error(request, " ".join(_errors(exc)))
    else:
        messages.error(request, "Choose the final outcome and say why.")
    return redirect("portfolios:sample", pk=item.sample_id)


@require_http_methods(["GET", "POST"])
def finalise(request: HttpRequest, pk: int) -> HttpResponse:
    sample = fetch_sample(request.user, pk)
    if request.method == "POST":
        try:
            issued = services.sample_finalise(actor=request.user, sample=sample, base_url=_base_url(request))
        except ValidationError as exc:
            messages.error(request, " ".join(_errors(exc)))
            return redirect("portfolios:sample", pk=sample.pk)
        messages.success(request, f"Outcomes are final. {len(issued)} certificate(s) issued.")
        return redirect("portfolios:sample", pk=sample.pk)
    return render(
        request,
        "portfolios/confirm.html",
        {
            "title": "Make the outcomes final?",
            "body": "Every reviewed portfolio of this edition gets its final outcome and satisfactory ones are "
            "certified. This cannot be undone.",
            "button": "Make outcomes final",
            "cancel": reverse("portfolios:sample", args=[sample.pk]),
        },
    )
