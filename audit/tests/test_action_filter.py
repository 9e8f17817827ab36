"""The log's action filter offers only actions an organisation's log can hold: sign-ins belong to no organisation."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.helpers import sign_in
from audit.models import NO_ORGANISATION_ACTIONS, AuditEvent
from audit.services import record_event
from core.testing.personas import client_for
from core.testing.world import shared_world

pytestmark = pytest.mark.django_db


world = shared_world()


def test_it_does_not_offer_sign_in_actions_a_schools_log_never_holds(world):
    """ "Signed in", "Sign-in failed" and "Signed out" are not options; "Exported" and the others are."""
    form = client_for(world.admin).get(reverse("audit:event_list")).context["form"]
    offered = {value for value, _ in form.fields["action"].choices}
    assert offered == {"", *AuditEvent.Action.values} - NO_ORGANISATION_ACTIONS
    assert {"export", "import", "denied", "read"} <= offered
    assert {"login", "login_failed", "logout"}.isdisjoint(offered)


def test_it_says_where_sign_ins_are_instead(world):
    """The page points to "Your sign-ins" and the administrator's "Accounts under attack"."""
    page = client_for(world.admin).get(reverse("audit:event_list")).content.decode()
    assert "Sign-ins and sign-outs are not in this log" in page
    assert f'href="{reverse("accounts:my_sign_ins")}"' in page
    assert f'href="{reverse("accounts:under_attack")}"' in page


def test_it_links_accounts_under_attack_only_for_those_who_may_open_it(world):
    """A senior leader reads the log but not the accounts under attack: named, not linked (a link would answer 403)."""
    page = client_for(world.senior).get(reverse("audit:event_list")).content.decode()
    assert "Sign-ins and sign-outs are not in this log" in page
    assert reverse("accounts:under_attack") not in page
    assert client_for(world.senior).get(reverse("accounts:under_attack")).status_code == 403


def test_it_never_writes_a_sign_in_with_an_organisation(world):
    """A real sign-in and sign-out are filed under no organisation, which is why the filter leaves them out."""
    client = Client()
    sign_in(client, world.tutor.email)
    client.post(reverse("accounts:logout"))
    sign_in(client, world.tutor.email, "wrong password here")
    events = AuditEvent.objects.filter(action__in=NO_ORGANISATION_ACTIONS)
    assert sorted(events.values_list("action", flat=True)) == ["login", "login_failed", "logout"]
    assert not events.exclude(organisation=None).exists()


def test_it_answers_an_old_sign_in_filter_with_no_events_and_the_reason(world):
    """A bookmarked ?action=login shows "0 events" and says why, never the whole log unfiltered."""
    record_event(action="read", actor=world.dsl, obj=world.alice, note="oakfield-event")
    response = client_for(world.admin).get(reverse("audit:event_list"), {"action": "login"})
    page = response.content.decode()
    assert "That action is never in this log" in page and "0 events" in page
    assert "oakfield-event" not in page
    export = client_for(world.admin).get(reverse("audit:event_export"), {"action": "login"})
    assert "oakfield-event" not in export.content.decode()
