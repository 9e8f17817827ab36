"""Fee rules managed on screen: add, change and retire (after a confirmation), with no two current rules for the
same delivery model and membership and no fee of £0 or less; bookings keep the fee frozen on them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from qualifications import services
from qualifications.models import FeeRule
from qualifications.tests.helpers import TODAY, book, build_qual_world, cluster, safeguarded
from qualifications.tests.test_views import other_provider_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_qual_world()


def _rule(w, model: str = "original", member: bool = True) -> FeeRule:  # noqa: ANN001
    return w.plq.fee_rules.get(delivery_model=model, is_member=member, retired_at__isnull=True)


def test_it_adds_an_online_fee_so_an_online_cluster_can_be_booked(w):
    """PLQJ has no online fee; once the administrator adds one, its online cluster can be booked at that fee."""
    online = cluster(w.plqj, 1, "PLQJ L1 Online", "online")
    safeguarded(w.school.school, w.staff[0])
    with pytest.raises(ValidationError, match="no fee for the online cluster"):
        book(w, online, [w.staff[0]])
    response = client_for(w.admin).post(
        reverse("qualifications:fee_rule_create", args=[w.plqj.pk]),
        {"delivery_model": "online", "is_member": "1", "amount": "480.00"},
    )
    assert response.status_code == 302
    rule = w.plqj.fee_rules.get(delivery_model="online", is_member=True)
    assert rule.amount == Decimal("480.00")
    booking, _ = book(w, online, [w.staff[0]])
    assert booking.fee_per_place == Decimal("480.00")
    assert AuditEvent.objects.filter(object_type="qualifications.FeeRule", object_id=str(rule.pk)).exists()


def test_it_refuses_a_second_current_fee_for_the_same_model_and_membership(w):
    client = client_for(w.admin)
    response = client.post(
        reverse("qualifications:fee_rule_create", args=[w.plq.pk]),
        {"delivery_model": "original", "is_member": "1", "amount": "700.00"},
    )
    assert response.status_code == 200
    assert (
        "There is already a current fee for that delivery model and those schools"
        in response.content.decode()
    )
    assert w.plq.fee_rules.filter(delivery_model="original", is_member=True).count() == 1
    # The service refuses it too, whatever calls it.
    with pytest.raises(ValidationError, match="already has a fee"):
        services.fee_rule_create(
            actor=w.admin, edition=w.plq, delivery_model="original", is_member=True, amount=Decimal("1")
        )
    # Changing the member rule into the other schools' rule would duplicate that one.
    response = client.post(
        reverse("qualifications:fee_rule_edit", args=[_rule(w).pk]),
        {"delivery_model": "original", "is_member": "0", "amount": "600.00"},
    )
    assert "There is already a current fee" in response.content.decode()
    assert _rule(w).amount == Decimal("625.00")


@pytest.mark.parametrize("amount", ["0", "-10", "0.00"])
def test_it_refuses_a_fee_that_is_not_positive(w, amount):
    response = client_for(w.admin).post(
        reverse("qualifications:fee_rule_create", args=[w.plq.pk]),
        {"delivery_model": "online", "is_member": "1", "amount": amount},
    )
    assert response.status_code == 200 and "Enter a fee greater than £0." in response.content.decode()
    assert not w.plq.fee_rules.filter(delivery_model="online").exists()


def test_it_changes_a_fee_for_new_bookings_and_leaves_frozen_fees_alone(w):
    safeguarded(w.school.school, w.staff[0])
    safeguarded(w.school.school, w.staff[1])
    before, _ = book(w, w.plq_l1, [w.staff[0]])
    response = client_for(w.admin).post(
        reverse("qualifications:fee_rule_edit", args=[_rule(w).pk]),
        {"delivery_model": "original", "is_member": "1", "amount": "640.00"},
    )
    assert response.status_code == 302
    before.refresh_from_db()
    assert before.fee_per_place == Decimal("625.00")
    assert before.enrolments.get().fee == Decimal("625.00")
    after, _ = book(w, w.plq_l1, [w.staff[1]])
    assert after.fee_per_place == Decimal("640.00")


def test_it_retires_a_fee_only_after_confirmation_and_keeps_booked_fees(w):
    safeguarded(w.school.school, w.staff[0])
    safeguarded(w.school.school, w.staff[1])
    booked, _ = book(w, w.plq_l1, [w.staff[0]])
    rule = _rule(w)
    client = client_for(w.admin)
    url = reverse("qualifications:fee_rule_retire", args=[rule.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Retire the fee" in confirm.content.decode()
    rule.refresh_from_db()
    assert rule.retired_at is None  # asking is not retiring
    assert client.post(url).status_code == 302
    rule.refresh_from_db()
    assert rule.is_retired and rule.retired_by == w.admin
    booked.refresh_from_db()
    assert booked.fee_per_place == Decimal("625.00") and booked.enrolments.get().fee == Decimal("625.00")
    with pytest.raises(ValidationError, match="no fee"):
        book(w, w.plq_l1, [w.staff[1]])
    page = client.get(reverse("qualifications:edition_fees", args=[w.plq.pk])).content.decode()
    assert "Retired fees" in page
    # A retired rule frees the slot: a new member fee can be added, and the retired one cannot be changed.
    services.fee_rule_create(
        actor=w.admin, edition=w.plq, delivery_model="original", is_member=True, amount=Decimal("660")
    )
    with pytest.raises(ValidationError, match="retired"):
        services.fee_rule_update(
            actor=w.admin, rule=rule, delivery_model="original", is_member=True, amount=Decimal("1")
        )
    new, _ = book(w, w.plq_l1, [w.staff[1]], on=TODAY)
    assert new.fee_per_place == Decimal("660.00")


def test_it_clones_only_current_fees(w):
    services.fee_rule_retire(actor=w.admin, rule=_rule(w, member=False))
    from qualifications.services import academic_year_named

    new = services.edition_clone(actor=w.admin, edition=w.plq, academic_year=academic_year_named("2030-31"))
    assert list(new.fee_rules.values_list("is_member", flat=True)) == [True]


@outsider_test(
    "qualifications:fee_rule_create", "qualifications:fee_rule_edit", "qualifications:fee_rule_retire"
)
def test_it_hides_fee_rules_from_outsiders(w):
    rule = _rule(w)
    urls = [
        reverse("qualifications:fee_rule_create", args=[w.plq.pk]),
        reverse("qualifications:fee_rule_edit", args=[rule.pk]),
        reverse("qualifications:fee_rule_retire", args=[rule.pk]),
    ]
    for user in (other_provider_admin(), w.school.outsider):
        client = client_for(user)
        for url in urls:
            assert_outsider_404(client, url)
        assert_outsider_404(client, urls[2], "post")
    rule.refresh_from_db()
    assert rule.retired_at is None


def test_it_refuses_fee_management_to_a_facilitator(w):
    rule = _rule(w)
    client = client_for(w.facilitator)
    for url in (
        reverse("qualifications:fee_rule_create", args=[w.plq.pk]),
        reverse("qualifications:fee_rule_edit", args=[rule.pk]),
        reverse("qualifications:fee_rule_retire", args=[rule.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("qualifications:fee_rule_retire", args=[rule.pk])).status_code == 403
    rule.refresh_from_db()
    assert rule.retired_at is None
