"""The school's own behaviour categories, and the behaviour log exported as filtered."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from behaviour import services
from behaviour.models import BehaviourCategory
from core.testing.factories import OrganisationFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db


world = shared_world()


def _category(world, code):
    return BehaviourCategory.objects.get(organisation=world.school, code=code)


def _incident(world, code="defiance", kind="negative", description="Refused to move seats", pupils=None):
    return services.incident_create(
        actor=world.tutor,
        organisation=world.school,
        pupils=pupils or [world.alice],
        kind=kind,
        category=_category(world, code),
        severity=2,
        occurred_at=timezone.now(),
        place="classroom",
        staff=world.tutor,
        description=description,
    )


def test_it_gives_every_new_school_the_default_categories(world):
    school = OrganisationFactory(name="Newbury School", slug="newbury")
    names = list(BehaviourCategory.objects.filter(organisation=school).values_list("name", flat=True))
    assert len(names) == 20 and names[0] == "Disruption to learning" and names[-1] == "Other"
    assert services.categories_seed_defaults(organisation=school) == 0


def test_it_lets_an_administrator_add_rename_and_retire_categories(world):
    client = client_for(world.admin)
    response = client.post(reverse("behaviour:category_list"), {"name": "Vaping", "kind": "negative"})
    assert response.status_code == 302
    vaping = BehaviourCategory.objects.get(organisation=world.school, name="Vaping")
    assert vaping.code == "vaping" and not vaping.is_retired
    duplicate = client.post(reverse("behaviour:category_list"), {"name": "vaping", "kind": ""})
    assert "already has a category with this name" in duplicate.content.decode()

    incident = _incident(world, code="vaping")
    form_page = client_for(world.tutor).get(reverse("behaviour:incident_create")).content.decode()
    assert "Vaping (negative)" in form_page

    edit = reverse("behaviour:category_edit", args=[vaping.pk])
    assert (
        client.post(edit, {"name": "Vaping or e-cigarettes", "kind": "negative", "position": 5}).status_code
        == 302
    )
    assert (
        "Vaping or e-cigarettes"
        in client_for(world.tutor)
        .get(reverse("behaviour:incident_detail", args=[incident.pk]))
        .content.decode()
    )

    assert (
        client.post(
            edit, {"name": "Vaping or e-cigarettes", "kind": "negative", "position": 5, "is_retired": "on"}
        ).status_code
        == 302
    )
    new_form = client_for(world.tutor).get(reverse("behaviour:incident_create")).content.decode()
    assert "Vaping or e-cigarettes" not in new_form
    # The entry that uses it keeps it, and its edit form still offers it.
    edit_form = (
        client_for(world.tutor).get(reverse("behaviour:incident_edit", args=[incident.pk])).content.decode()
    )
    assert "Vaping or e-cigarettes (negative) — retired" in edit_form
    assert AuditEvent.objects.filter(object_type="behaviour.BehaviourCategory", action="update").count() == 2


def test_it_never_deletes_a_category_in_use(world):
    _incident(world, code="defiance")
    defiance = _category(world, "defiance")
    client = client_for(world.senior)
    page = client.get(reverse("behaviour:category_delete", args=[defiance.pk])).content.decode()
    assert "cannot be deleted" in page
    client.post(reverse("behaviour:category_delete", args=[defiance.pk]))
    assert BehaviourCategory.objects.filter(pk=defiance.pk).exists()
    with pytest.raises(ValidationError):
        services.category_delete(actor=world.senior, category=defiance)

    unused = _category(world, "phone")
    assert (
        "No entry uses it"
        in client.get(reverse("behaviour:category_delete", args=[unused.pk])).content.decode()
    )
    assert client.post(reverse("behaviour:category_delete", args=[unused.pk])).status_code == 302
    assert not BehaviourCategory.objects.filter(pk=unused.pk).exists()


def test_it_refuses_a_category_of_another_kind_or_school(world):
    with pytest.raises(ValidationError) as excinfo:
        _incident(world, code="effort", kind="negative")
    assert "category for positive entries" in excinfo.value.message_dict["category"][0]
    rivers = BehaviourCategory.objects.get(organisation=world.other_school, code="defiance")
    with pytest.raises(ValidationError):
        services.incident_create(
            actor=world.tutor,
            organisation=world.school,
            pupils=[world.alice],
            kind="negative",
            category=rivers,
            occurred_at=timezone.now(),
            place="classroom",
            staff=world.tutor,
            description="x",
        )


@outsider_test("behaviour:category_edit", "behaviour:category_delete")
def test_it_hides_a_school_s_categories_from_another_school(world):
    client = client_for(world.other_admin)
    category = _category(world, "defiance")
    for name in ("behaviour:category_edit", "behaviour:category_delete"):
        assert_outsider_404(client, reverse(name, args=[category.pk]))
        assert_outsider_404(client, reverse(name, args=[category.pk]), method="post", data={"name": "Mine"})
    assert client.get(reverse("behaviour:category_list")).status_code == 200
    assert "Defiance" in client.get(reverse("behaviour:category_list")).content.decode()
    assert BehaviourCategory.objects.filter(organisation=world.school, name="Mine").count() == 0


def test_it_keeps_categories_to_administrators_and_senior_leaders(world):
    category = _category(world, "defiance")
    for user in (world.tutor, world.head_of_year9, world.dsl):
        client = client_for(user)
        assert client.get(reverse("behaviour:category_list")).status_code == 403
        assert client.post(reverse("behaviour:category_list"), {"name": "Mine"}).status_code == 403
        assert client.get(reverse("behaviour:category_edit", args=[category.pk])).status_code == 403
        assert client.post(reverse("behaviour:category_delete", args=[category.pk])).status_code == 403
    assert BehaviourCategory.objects.filter(pk=category.pk).exists()


def test_it_exports_the_log_as_filtered_to_csv_and_audits_it(world):
    _incident(world, code="defiance", description='=HYPERLINK("http://evil")')
    _incident(world, code="effort", kind="positive", description="Worked hard")
    _incident(world, code="lateness", pupils=[world.dan], description="Late for P1")
    client = client_for(world.head_of_year9)
    response = client.get(reverse("behaviour:incident_list"), {"kind": "negative", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["When", "Kind", "Category"]
    # Year 9's head sees Alice's negative entry only: not the positive one, not Dan's (year 10).
    assert [(r[1], r[2], r[6], r[8]) for r in rows[1:]] == [
        ("Negative", "Defiance / refusal", "Alice Archer", '\'=HYPERLINK("http://evil")')
    ]
    event = AuditEvent.objects.get(action="export", object_type="behaviour.Incident")
    assert (
        event.actor == world.head_of_year9 and "1 incidents" in event.note and "kind=negative" in event.note
    )


def test_it_exports_the_log_to_xlsx(world):
    _incident(world, code="effort", kind="positive", description="Worked hard")
    category = _category(world, "effort")
    response = client_for(world.tutor).get(
        reverse("behaviour:incident_list"), {"category": category.pk, "format": "xlsx"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 2 and values[1][2] == "Effort" and values[1][8] == "Worked hard"
    page = (
        client_for(world.tutor).get(reverse("behaviour:incident_list"), {"kind": "positive"}).content.decode()
    )
    assert "kind=positive&amp;format=xlsx" in page


def test_it_refuses_the_export_to_staff_who_do_not_work_with_pupils(world):
    response = client_for(world.cpd_coordinator).get(reverse("behaviour:incident_list"), {"format": "csv"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="export", object_type="behaviour.Incident").exists()


def test_it_does_not_export_when_the_filter_has_a_mistake(world):
    _incident(world, code="defiance")
    response = client_for(world.head_of_year9).get(
        reverse("behaviour:incident_list"), {"start": "not a date", "format": "csv"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Enter a valid date." in response.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()
