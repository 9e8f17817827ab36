"""Screens for fees: the annual fee review and an edition's fee rules."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from qualifications import forms, services
from qualifications import permissions as perms
from qualifications.models import (
    FeeRule,
)
from qualifications.templatetags.qualifications_money import format_gbp
from qualifications.views.shared import managed_edition


@require_http_methods(["GET", "POST"])
def edition_fees(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an edition's fee schedule (annual review); bookings already made keep their fee."""
    edition = managed_edition(request, pk)
    current = edition.fee_rules.filter(retired_at__isnull=True)
    formset = forms.FeeRuleFormSet(request.POST or None, queryset=current, prefix="fee")
    if request.method == "POST" and formset.is_valid():
        amounts = {f.instance.pk: f.cleaned_data["amount"] for f in formset.forms}
        changed = services.fees_update(actor=request.user, edition=edition, amounts=amounts)
        messages.success(request, f"Fees saved ({changed} changed). Bookings already made keep their fee.")
        return redirect("qualifications:edition_detail", pk=edition.pk)
    return render(
        request,
        "qualifications/edition_fees.html",
        {
            "formset": formset,
            "edition": edition,
            "current": current,
            "retired": edition.fee_rules.filter(retired_at__isnull=False).select_related("retired_by"),
        },
    )


def _managed_fee_rule(request: HttpRequest, pk: int) -> FeeRule:
    """A fee rule of the user's provider that they may manage: 404 outside reach, 403 for other roles."""
    return perms.fetch(
        request.user,
        FeeRule.objects.select_related("edition__programme", "edition__academic_year"),
        Q(organisation_id__in=perms.provider_ids(request.user)),
        perms.can_manage_provider_record,
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def fee_rule_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a fee for a delivery model and membership (for example an online fee for a new cluster model)."""
    edition = managed_edition(request, pk)
    form = forms.FeeRuleEditForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.fee_rule_create(actor=request.user, edition=edition, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Fee added: {rule.get_delivery_model_display()}, {rule.who.lower()}.")
            return redirect("qualifications:edition_fees", pk=edition.pk)
    return render(
        request,
        "qualifications/fee_rule_form.html",
        {"form": form, "title": f"Add a fee to {edition}", "edition": edition},
    )


@require_http_methods(["GET", "POST"])
def fee_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a current fee rule; bookings already made keep their frozen fee."""
    rule = _managed_fee_rule(request, pk)
    if rule.is_retired:
        messages.info(request, "This fee is retired and can no longer be changed.")
        return redirect("qualifications:edition_fees", pk=rule.edition_id)
    form = forms.FeeRuleEditForm(request.POST or None, edition=rule.edition, rule=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.fee_rule_update(actor=request.user, rule=rule, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The fee is saved. Bookings already made keep their fee.")
            return redirect("qualifications:edition_fees", pk=rule.edition_id)
    return render(
        request,
        "qualifications/fee_rule_form.html",
        {"form": form, "title": f"Change a fee of {rule.edition}", "edition": rule.edition},
    )


@require_http_methods(["GET", "POST"])
def fee_rule_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Retire a fee rule, after a confirmation page; it stays on record and bookings keep their fee."""
    rule = _managed_fee_rule(request, pk)
    back = reverse("qualifications:edition_fees", args=[rule.edition_id])
    if rule.is_retired:
        messages.info(request, "This fee is already retired.")
        return redirect(back)
    if request.method == "POST":
        services.fee_rule_retire(actor=request.user, rule=rule)
        messages.success(
            request,
            f"The fee for the {rule.get_delivery_model_display().lower()}, {rule.who.lower()}, is retired.",
        )
        return redirect(back)
    return render(
        request,
        "qualifications/confirm.html",
        {
            "title": f"Retire the {format_gbp(rule.amount)} fee for the {rule.get_delivery_model_display().lower()}, "
            f"{rule.who.lower()}?",
            "text": f"New bookings of {rule.edition} on this delivery model from {rule.who.lower()} will be "
            "refused until a new fee is added. Bookings already made keep the fee they were booked at.",
            "button": "Retire the fee",
            "back": back,
            "back_label": "Go back without retiring",
        },
    )
