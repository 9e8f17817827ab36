"""A URLconf for test_refusals: views that refuse the way any view in the project may."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import path

from access.permissions import can_edit_pupil, get_for_user
from pastoral.urls import urlpatterns as project_urlpatterns
from people.models import Pupil


def refuse_by_hand(request: HttpRequest, pk: int) -> HttpResponse:
    """Fetches the pupil, then refuses by hand (a bare `raise PermissionDenied`, as 32 views did unrecorded)."""
    get_for_user(request.user, Pupil, pk=pk)
    raise PermissionDenied


def edit_pupil(request: HttpRequest, pk: int) -> HttpResponse:
    get_for_user(request.user, Pupil, can_edit_pupil, pk=pk)
    return HttpResponse("edited")


def forbidden(request: HttpRequest) -> HttpResponse:
    return HttpResponseForbidden("no")


def secret_link(request: HttpRequest, token: str) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [
    path("pupils/<int:pk>/refuse/", refuse_by_hand, name="refuse_by_hand"),
    path("pupils/<int:pk>/edit/", edit_pupil, name="edit_pupil"),
    path("forbidden/", forbidden, name="forbidden"),
    path("links/<str:token>/", secret_link, name="secret_link"),
    *project_urlpatterns,  # the error pages link home
]
