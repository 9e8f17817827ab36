"""Every tenant-owned table carries its organisation, so a deployment can be sharded by organisation."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings

from organisations.models import Organisation

# Tables that belong to no single organisation, and why.
NOT_TENANT_OWNED = {
    "accounts.User": "a person may work in several organisations",
    "accounts.UserSession": "a person's sign-in session (Django's session table), which serves every organisation",
    "accounts.SignInAttempt": "a sign-in attempt comes before any organisation is known, and a person may work in several",
    "accounts.EnrolmentLink": "a person's own second factor, which serves every organisation they work in",
    "accounts.RecoveryCodeDevice": "a person's own second factor, which serves every organisation they work in",
    "accounts.RecoveryCode": "a person's own second factor, which serves every organisation they work in",
    "organisations.Organisation": "the tenant itself",
    "organisations.AcademicYear": "shared reference data (1 September to 31 August)",
}


def test_it_gives_every_tenant_owned_model_an_organisation():
    missing = []
    for app_label in settings.PASTORAL_APPS:
        for model in apps.get_app_config(app_label).get_models():
            label = model._meta.label
            if label in NOT_TENANT_OWNED:
                continue
            field = next((f for f in model._meta.concrete_fields if f.name == "organisation"), None)
            if field is None or field.related_model is not Organisation:
                missing.append(label)
    assert not missing, f"Models without an organisation foreign key: {missing}"
