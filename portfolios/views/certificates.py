"""A holder's certificate (PDF, credential) and revoking one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from portfolios import certificates, credentials, forms, services
from portfolios.permissions import (
    fetch_certificate,
)
from portfolios.views.common import _errors

# --- Certificates ------------------------------------------------------------------------------


@require_GET
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    cert = fetch_certificate(request.user, pk)
    pdf = certificates.render_pdf(
        cert, verify_url=request.build_absolute_uri(reverse("portfolios:verify", args=[cert.code]))
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{cert.code}.pdf"'
    return response


@require_GET
def certificate_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The OB3 credential as JSON for the holder's wallet or backpack: the signed VC-JWT in a VC 2.0
    EnvelopedVerifiableCredential (`?format=jwt` gives the bare compact JWT)."""
    cert = fetch_certificate(request.user, pk)
    if request.GET.get("format") == "jwt":
        response = HttpResponse(cert.credential_jwt, content_type="application/vc+jwt")
        response["Content-Disposition"] = f'attachment; filename="credential-{cert.code}.jwt"'
        return response
    response = JsonResponse(credentials.enveloped(cert.credential_jwt), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="credential-{cert.code}.json"'
    return response


@require_http_methods(["GET", "POST"])
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    cert = fetch_certificate(request.user, pk, manage=True)
    form = forms.RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(
                actor=request.user, certificate=cert, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(_errors(exc)))
        else:
            messages.success(request, f"Certificate {cert.code} revoked.")
        return redirect("portfolios:provider_admin")
    return render(request, "portfolios/revoke.html", {"certificate": cert, "form": form})
