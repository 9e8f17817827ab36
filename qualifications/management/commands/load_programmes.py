"""Load the transcribed PLQ 2022-23, PLQJ 2025-26 and ISQAM 2023-24 documents for a provider."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from organisations.models import Organisation
from qualifications.services import programmes_load_all


class Command(BaseCommand):
    help = "Load the programme content data files (qualifications/data/*.json) for a provider."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--provider", required=True, help="Slug of the provider organisation.")
        parser.add_argument("--university", help="Slug of the university partner organisation.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            provider = Organisation.objects.get(slug=options["provider"], kind=Organisation.Kind.PROVIDER)
        except Organisation.DoesNotExist:
            raise CommandError(f"No provider organisation with slug {options['provider']!r}.") from None
        university = None
        if options.get("university"):
            university = Organisation.objects.filter(slug=options["university"]).first()
            if university is None:
                raise CommandError(f"No organisation with slug {options['university']!r}.")
        for edition in programmes_load_all(provider=provider, university=university):
            modules = edition.modules.count()
            activities = sum(m.activities.count() for m in edition.modules.all())
            self.stdout.write(f"{edition}: {modules} modules, {activities} activities")
