"""Public verification of certificates and credentials (no sign-in)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from organisations.models import Organisation
from portfolios import credentials, forms, services
from portfolios.models import (
    Certificate,
    normalise_code,
)
from portfolios.views.common import _base_url

# --- Public verification (no sign-in) ---------------------------------------------------------


@login_not_required
@require_GET
def verify_lookup(request: HttpRequest) -> HttpResponse:
    form = forms.VerifyLookupForm(request.GET or None)
    if form.is_valid():
        return redirect("portfolios:verify", code=form.cleaned_data["code"])
    return render(request, "portfolios/verify_lookup.html", {"form": form})


@login_not_required
@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    cert = Certificate.objects.filter(code=normalise_code(code)).select_related("organisation").first()
    if cert is None:
        return render(request, "portfolios/verify_unknown.html", {"code": code}, status=404)
    others = Certificate.objects.filter(
        holder_id=cert.holder_id, qualification=cert.qualification, revoked_at__isnull=True
    ).exclude(pk=cert.pk)
    levels = (
        sorted({cert.level_number} | {c.level_number for c in others})
        if cert.is_valid
        else [cert.level_number]
    )
    return render(
        request,
        "portfolios/verify.html",
        {
            "certificate": cert,
            "levels": levels,
            "both_levels": levels == [1, 2],
            "credential_url": reverse("portfolios:credential_public", args=[cert.code]),
        },
    )


@login_not_required
@require_GET
def credential_public(request: HttpRequest, code: str) -> HttpResponse:
    """The credential's own URL (its id): its status and the signed credential (enveloped VC-JWT)."""
    cert = get_object_or_404(Certificate, code=normalise_code(code))
    return JsonResponse(
        {
            "id": request.build_absolute_uri(),
            "status": "revoked" if cert.revoked_at else "valid",
            "credential": credentials.enveloped(cert.credential_jwt),
        }
    )


@login_not_required
@require_GET
def public_status_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The provider's Bitstring Status List credential (VC-JWT), the revocation source for every credential."""
    provider = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.PROVIDER)
    token = services.status_list_jwt(provider=provider, base_url=_base_url(request))
    response = HttpResponse(token, content_type="application/vc+jwt")
    response["Cache-Control"] = "max-age=300"
    return response


@login_not_required
@require_GET
def public_issuer(request: HttpRequest, slug: str) -> HttpResponse:
    """The issuer profile with its public key, so anyone can check a credential's signature."""
    provider = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.PROVIDER)
    key = services.signing_key(provider)
    return JsonResponse(
        {
            "id": request.build_absolute_uri(),
            "type": ["Profile"],
            "name": provider.name,
            "publicKeyPem": key.public_pem,
        },
        json_dumps_params={"indent": 2},
    )
