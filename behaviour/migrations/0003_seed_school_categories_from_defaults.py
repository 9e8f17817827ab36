"""Every school and college gets the default categories (the old fixed list); incidents point at their school's copy.

Suspensions recorded before this migration marked E from their start to their end date, or (a permanent
exclusion) on its first day only: `marked_through` says so, so that later changes know what to reverse.
"""

import csv
from pathlib import Path

from django.db import migrations

DEFAULTS = Path(__file__).resolve().parent.parent / "data" / "default_categories.csv"


def _defaults():
    with DEFAULTS.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def forwards(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    BehaviourCategory = apps.get_model("behaviour", "BehaviourCategory")
    Incident = apps.get_model("behaviour", "Incident")
    Suspension = apps.get_model("behaviour", "Suspension")
    defaults = _defaults()
    with_incidents = Incident.objects.values("organisation_id")
    organisations = Organisation.objects.filter(kind__in=["school", "college"]) | Organisation.objects.filter(
        pk__in=with_incidents
    )
    for organisation in organisations.distinct():
        known = {c.code: c for c in BehaviourCategory.objects.filter(organisation=organisation)}
        for position, row in enumerate(defaults, start=1):
            if row["code"] not in known:
                known[row["code"]] = BehaviourCategory.objects.create(
                    organisation=organisation,
                    code=row["code"],
                    name=row["name"],
                    kind=row["kind"],
                    position=position * 10,
                )
        used = Incident.objects.filter(organisation=organisation).values_list("category", flat=True).distinct()
        for code in used:
            if code not in known:
                # A code no longer in the defaults keeps its incidents under a retired category of that name.
                known[code] = BehaviourCategory.objects.create(
                    organisation=organisation, code=code, name=code.replace("_", " ").capitalize(), is_retired=True
                )
            Incident.objects.filter(organisation=organisation, category=code).update(category_ref=known[code])
    for suspension in Suspension.objects.exclude(kind="internal").filter(marked_through__isnull=True):
        suspension.marked_through = suspension.starts_on if suspension.kind == "permanent" else suspension.ends_on
        suspension.save(update_fields=["marked_through"])


def backwards(apps, schema_editor):
    Incident = apps.get_model("behaviour", "Incident")
    for incident in Incident.objects.select_related("category_ref"):
        incident.category = incident.category_ref.code
        incident.save(update_fields=["category"])


class Migration(migrations.Migration):
    dependencies = [("behaviour", "0002_suspension_changes_and_school_categories")]

    operations = [migrations.RunPython(forwards, backwards)]
