from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access import services
from access.forms import RoleAssignForm
from access.models import RoleAssignment
from access.permissions import get_for_user, has_role
from access.roles import IMPORT_ROLES, Role
from people.models import StaffMember

STAFF_MANAGERS = IMPORT_ROLES  # the school administrator keeps staff and roles, as they keep the MIS data
STAFF_READERS = STAFF_MANAGERS | {Role.SENIOR_LEADER}


def _can_manage(user, obj) -> bool:  # type: ignore[no-untyped-def]
    return has_role(user, STAFF_MANAGERS, obj.organisation_id)


@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    """The current organisation's staff and the roles they hold."""
    organisation = request.organisation  # type: ignore[attr-defined]
    if organisation is None:
        raise Http404("You belong to no organisation.")
    if not has_role(request.user, STAFF_READERS, organisation.pk):
        raise PermissionDenied("Only administrators and senior leaders see the staff list.")
    query = request.GET.get("q", "").strip()
    staff = (
        StaffMember.objects.filter(organisation=organisation)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "user__role_assignments",
                queryset=RoleAssignment.objects.current()
                .filter(organisation=organisation)
                .select_related("group", "site"),
                to_attr="current_roles",
            )
        )
    )
    if query:
        staff = staff.filter(
            Q(first_name__icontains=query) | Q(last_name__icontains=query) | Q(user__email__icontains=query)
        )
    page = Paginator(staff, 40).get_page(request.GET.get("page"))
    return render(
        request,
        "access/staff_list.html",
        {
            "page_obj": page,
            "q": query,
            "can_manage": has_role(request.user, STAFF_MANAGERS, organisation.pk),
            "querystring_prefix": f"q={query}&" if query else "",
        },
    )


@require_http_methods(["GET", "POST"])
def role_add(request: HttpRequest, staff_pk: int) -> HttpResponse:
    member = get_for_user(
        request.user, StaffMember.objects.select_related("user", "organisation"), _can_manage, pk=staff_pk
    )
    form = RoleAssignForm(request.POST or None, organisation=member.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_assign(
                actor=request.user, organisation=member.organisation, user=member.user, **form.cleaned_data
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"{member} is now {Role(form.cleaned_data['role']).label.lower()}.")
            return redirect("access:staff_list")
    return render(request, "access/role_add.html", {"member": member, "form": form})


@require_POST
def role_end(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_for_user(request.user, RoleAssignment.objects.select_related("user"), _can_manage, pk=pk)
    services.role_end(actor=request.user, assignment=assignment)
    messages.success(request, f"Ended: {assignment}.")
    return redirect("access:staff_list")
