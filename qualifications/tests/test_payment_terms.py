"""Payment terms and due dates: the edition's terms frozen on each booking when it is invoiced, the due date on the
invoice, its e-mail and the booking page, overdue invoices (unpaid, owing, past due) marked and filtered on the
provider overview and in the exports, and the programme administrator's payment reminder with the invoice PDF."""

from __future__ import annotations

import csv
import datetime
import io
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from access.roles import Role
from audit.models import AuditEvent
from core.testing.factories import RoleFactory
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from qualifications import documents, selectors, services
from qualifications.models import Booking
from qualifications.tests.helpers import TODAY, book, build_qual_world, staff_user
from qualifications.tests.test_views import other_provider_admin, riverside_coordinator

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def w():
    return build_qual_world()


@pytest.fixture
def overdue(w):
    """Two ISQAM online places (£998) invoiced 31 days ago on the default 30-day terms: due yesterday, unpaid."""
    booking, _ = book(w, w.isqam_online, [w.staff[0], w.staff[1]], on=TODAY - 31 * DAY)
    return booking


def _remind_url(booking: Booking) -> str:
    return reverse("qualifications:booking_reminder_send", args=[booking.pk])


def _reminders() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.subject.startswith("Payment reminder")]


def _reminder_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, note__contains="Payment reminder"))


# --- Terms and due dates -----------------------------------------------------------------------


def test_it_freezes_the_editions_payment_terms_and_due_date_on_the_booking(w):
    """A booking takes the edition's terms on its invoice date; changing the terms later moves no due date."""
    assert w.isqam.payment_terms_days == 30  # the default
    w.isqam.payment_terms_days = 14
    w.isqam.save()
    invoiced_on = TODAY - 3 * DAY
    first, _ = book(w, w.isqam_online, [w.staff[0]], on=invoiced_on)
    assert (first.payment_terms_days, first.due_on) == (14, invoiced_on + 14 * DAY)
    w.isqam.payment_terms_days = 60
    w.isqam.save()
    second, _ = book(w, w.isqam_online, [w.staff[1]])
    first.refresh_from_db()
    assert (first.payment_terms_days, first.due_on) == (14, invoiced_on + 14 * DAY)
    assert (second.payment_terms_days, second.due_on) == (60, TODAY + 60 * DAY)


def test_it_accepts_only_whole_days_from_0_to_120_on_the_edition(w):
    """The edition form refuses 121 days, negative and fractional days, and saves 0 (payment on receipt)."""
    client = client_for(w.admin)
    url = reverse("qualifications:edition_edit", args=[w.isqam.pk])
    data = {
        "title": w.isqam.title,
        "portfolio_deadline": w.isqam.portfolio_deadline.isoformat(),
        "is_published": "on",
        "refund_before_start_percent": "100",
        "refund_after_start_percent": "0",
    }
    assert (
        "less than or equal to 120"
        in client.post(url, {**data, "payment_terms_days": "121"}).content.decode()
    )
    assert (
        "greater than or equal to 0"
        in client.post(url, {**data, "payment_terms_days": "-1"}).content.decode()
    )
    assert "Enter a whole number" in client.post(url, {**data, "payment_terms_days": "7.5"}).content.decode()
    w.isqam.refresh_from_db()
    assert w.isqam.payment_terms_days == 30
    assert client.post(url, {**data, "payment_terms_days": "0"}).status_code == 302
    w.isqam.refresh_from_db()
    assert w.isqam.payment_terms_days == 0
    booking, _ = book(w, w.isqam_online, [w.staff[0]])
    assert booking.due_on == TODAY
    page = client.get(reverse("qualifications:booking_detail", args=[booking.pk])).content.decode()
    assert f"Due {TODAY:%-d %B %Y}</strong> (payment on receipt)" in page


def test_it_states_the_due_date_on_the_invoice_its_email_and_the_booking_page(
    w, django_capture_on_commit_callbacks
):
    """The invoice document, the invoice e-mail ("Please pay by …") and the booking page all give the due date."""
    due = TODAY + 30 * DAY
    with django_capture_on_commit_callbacks(execute=True):
        booking, _ = book(w, w.isqam_online, [w.staff[0]])
    (sent,) = [m for m in mail.outbox if booking.invoice_number in m.subject]
    assert f"Please pay by {due:%-d %B %Y} (30 days from the invoice date)." in sent.body
    with mock.patch.object(documents, "pdf_from_html", return_value=b"%PDF") as render:
        documents.invoice_pdf(booking, base_url="http://testserver/")
    html = render.call_args.args[0]
    assert (
        f"<strong>Due date:</strong> {due:%-d %B %Y}" in html
        and "<strong>Payment terms:</strong> 30 days" in html
    )
    assert f"Please pay by {due:%-d %B %Y}" in html
    page = client_for(w.coordinator).get(reverse("qualifications:booking_detail", args=[booking.pk]))
    assert f"Due {due:%-d %B %Y}" in page.content.decode() and "Overdue" not in page.content.decode()


# --- Overdue -----------------------------------------------------------------------------------


def test_it_counts_an_invoice_overdue_only_when_unpaid_owing_and_past_its_due_date(w, overdue):
    """Due yesterday and unpaid: overdue. Due today, paid, or owing nothing (waiting list only): not overdue."""
    due_today, _ = book(w, w.isqam_original, [w.staff[2]], on=TODAY - 30 * DAY)
    paid, _ = book(w, w.isqam_original, [w.staff[3]], on=TODAY - 60 * DAY)
    services.booking_set_paid(actor=w.admin, booking=paid, paid=True, on=TODAY - 40 * DAY)
    w.isqam_l2.capacity = 0
    w.isqam_l2.save()
    nothing_owed, _ = book(w, w.isqam_l2, [w.staff[0]], on=TODAY - 60 * DAY, ict_declared=True)
    assert overdue.due_on == TODAY - DAY and due_today.due_on == TODAY
    assert selectors.is_overdue(overdue) and selectors.is_overdue(due_today, today=TODAY + DAY)
    for booking in (due_today, paid, nothing_owed):
        assert not selectors.is_overdue(booking), booking
    assert [b.pk for b in selectors.overdue_bookings(w.admin)] == [overdue.pk]
    flags = {b.pk: b.is_overdue for b in selectors.visible_bookings(w.admin)}
    assert flags == {overdue.pk: True, due_today.pk: False, paid.pk: False, nothing_owed.pk: False}
    services.booking_set_paid(actor=w.admin, booking=overdue, paid=True)
    assert not selectors.is_overdue(overdue) and not selectors.overdue_bookings(w.admin).exists()


def test_it_marks_overdue_invoices_on_the_provider_overview_and_filters_to_them(w, overdue):
    """The unpaid list marks the overdue invoice beside its due date; `?unpaid=overdue` lists only overdue ones."""
    not_due, _ = book(w, w.isqam_original, [w.staff[2]])
    client = client_for(w.admin)
    page = client.get(reverse("qualifications:provider_dashboard")).content.decode()
    assert "Unpaid invoices (2)" in page and not_due.invoice_number in page
    assert f'{overdue.due_on:%-d %b %Y} <span class="tag tag--bad">Overdue</span>' in page
    assert page.count('<span class="tag tag--bad">Overdue</span>') == 1
    assert "?unpaid=overdue" in page
    only = client.get(reverse("qualifications:provider_dashboard") + "?unpaid=overdue").content.decode()
    assert "Overdue invoices (1)" in only and overdue.invoice_number in only
    assert not_due.invoice_number not in only
    listed = client.get(reverse("qualifications:booking_list") + "?show=overdue").content.decode()
    assert overdue.invoice_number in listed and not_due.invoice_number not in listed


def test_it_exports_the_due_date_and_whether_each_invoice_is_overdue(w, overdue):
    """The bookings and unpaid-invoices exports (CSV and XLSX) gain "Due on" and "Overdue" columns."""
    not_due, _ = book(w, w.isqam_original, [w.staff[2]])
    client = client_for(w.admin)
    response = client.get(reverse("qualifications:export") + "?what=unpaid&format=csv")
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[-2:] == ["Due on", "Overdue"]
    by_invoice = {row[0]: row[-2:] for row in rows}
    assert by_invoice == {
        overdue.invoice_number: [overdue.due_on.isoformat(), "yes"],
        not_due.invoice_number: [not_due.due_on.isoformat(), "no"],
    }
    xlsx = client.get(reverse("qualifications:export") + "?what=bookings&format=xlsx")
    header, *values = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    due, is_overdue = header.index("Due on"), header.index("Overdue")
    by_invoice = {row[0]: (row[due].date(), row[is_overdue]) for row in values}
    assert by_invoice == {
        overdue.invoice_number: (overdue.due_on, "yes"),
        not_due.invoice_number: (not_due.due_on, "no"),
    }


# --- Payment reminders -------------------------------------------------------------------------


def test_it_emails_a_payment_reminder_with_the_invoice_pdf_after_commit(
    w, overdue, django_capture_on_commit_callbacks
):
    """The administrator's button posts, sends nothing until commit, then e-mails the booker the reminder with the
    current invoice PDF; it says so, records when and is audited, and the booking page shows it."""
    client = client_for(w.admin)
    page = client.get(reverse("qualifications:booking_detail", args=[overdue.pk])).content.decode()
    assert f'action="{_remind_url(overdue)}"' in page and "Send a payment reminder to" in page
    mail.outbox.clear()
    with mock.patch.object(documents, "invoice_pdf", return_value=b"%PDF-the-invoice") as render:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post(_remind_url(overdue))
        assert mail.outbox == []  # sent once the request's transaction commits
        for callback in callbacks:
            callback()
    assert response.status_code == 302 and response["Location"] == reverse(
        "qualifications:booking_detail", args=[overdue.pk]
    )
    (sent,) = _reminders()
    assert sent.to == [w.coordinator.email]
    assert (
        sent.subject
        == f"Payment reminder: invoice {overdue.invoice_number} was due on {overdue.due_on:%-d %B %Y}"
    )
    assert f"It was due on {overdue.due_on:%-d %B %Y}." in sent.body and "Amount due: £998.00" in sent.body
    assert f"/qualifications/bookings/{overdue.pk}/" in sent.body
    ((name, content, mimetype),) = sent.attachments
    assert (name, content, mimetype) == (
        f"invoice-{overdue.invoice_number}.pdf",
        b"%PDF-the-invoice",
        "application/pdf",
    )
    assert render.call_args.args[0].pk == overdue.pk
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"A payment reminder for invoice {overdue.invoice_number} is being sent to {w.coordinator.full_name} "
        f"({w.coordinator.email})."
    ]
    overdue.refresh_from_db()
    assert overdue.last_reminder_at is not None
    (event,) = _reminder_events()
    assert event.actor == w.admin and event.object_id == str(overdue.pk) and w.coordinator.email in event.note
    page = client.get(reverse("qualifications:booking_detail", args=[overdue.pk])).content.decode()
    assert "last payment reminder sent" in page


def test_it_attaches_a_real_invoice_pdf_to_the_reminder(w, overdue, django_capture_on_commit_callbacks):
    """Unmocked, the reminder's attachment is a rendered PDF."""
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_reminder_send(actor=w.admin, booking=overdue)
    ((_, content, _),) = _reminders()[0].attachments
    assert content.startswith(b"%PDF")


def test_it_refuses_a_reminder_for_an_invoice_that_is_not_overdue(
    w, overdue, django_capture_on_commit_callbacks
):
    """Before its due date, or once paid, no reminder is sent: an error message, nothing recorded or audited, and
    no button."""
    not_due, _ = book(w, w.isqam_original, [w.staff[2]])
    services.booking_set_paid(actor=w.admin, booking=overdue, paid=True)
    client = client_for(w.admin)
    mail.outbox.clear()
    for booking in (not_due, overdue):
        page = client.get(reverse("qualifications:booking_detail", args=[booking.pk])).content.decode()
        assert "Send a payment reminder" not in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(_remind_url(booking))
        assert response.status_code == 302
        assert "is not overdue" in str(list(get_messages(response.wsgi_request))[0])
        booking.refresh_from_db()
        assert booking.last_reminder_at is None
    with pytest.raises(ValidationError):
        services.payment_reminder_send(actor=w.admin, booking=not_due)
    assert _reminders() == [] and _reminder_events() == []


def test_it_refuses_a_reminder_without_a_post_and_a_csrf_token(
    w, overdue, django_capture_on_commit_callbacks
):
    """A GET is not allowed and a POST without the CSRF token is refused; neither sends anything."""
    client = client_for(w.admin)
    client.handler.enforce_csrf_checks = True
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(_remind_url(overdue)).status_code == 405
        assert client.post(_remind_url(overdue)).status_code == 403
    assert _reminders() == [] and _reminder_events() == []


@outsider_test("qualifications:booking_reminder_send")
def test_it_hides_reminders_for_another_schools_or_providers_invoice(
    w, overdue, django_capture_on_commit_callbacks
):
    """Another school's coordinator, a senior leader there and another provider's administrator get 404."""
    with django_capture_on_commit_callbacks(execute=True):
        for user in (riverside_coordinator(w), w.school.outsider, other_provider_admin()):
            assert_outsider_404(client_for(user), _remind_url(overdue), "post")
    assert _reminders() == [] and _reminder_events() == []


def test_it_refuses_a_reminder_to_the_coordinator_participant_mentor_and_facilitator(
    w, overdue, django_capture_on_commit_callbacks
):
    """The school's CPD coordinator sees the invoice but does not chase it; people who reach the school or provider
    without the programme administrator role get 403."""
    facilitator = staff_user(w.provider, "fay@hmcpd.test", "Fay Facilitator")
    RoleFactory(organisation=w.provider, user=facilitator, role=Role.FACILITATOR)
    page = client_for(w.coordinator).get(reverse("qualifications:booking_detail", args=[overdue.pk]))
    assert "Overdue" in page.content.decode() and "Send a payment reminder" not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        for user in (w.coordinator, w.staff[0], w.mentor, facilitator, w.school.tutor):
            assert client_for(user).post(_remind_url(overdue)).status_code == 403, user
    overdue.refresh_from_db()
    assert overdue.last_reminder_at is None and _reminders() == [] and _reminder_events() == []


# --- The invoice_reminders command -------------------------------------------------------------


def _run_reminders(*args: str) -> str:
    out = io.StringIO()
    call_command("invoice_reminders", *args, stdout=out)
    return out.getvalue()


def test_it_lists_invoices_due_a_reminder_and_sends_them_only_with_apply(
    w, django_capture_on_commit_callbacks
):
    """Overdue by 14 days or more with no reminder in 14 days: listed on a dry run, reminded with --apply, and not
    again on the next run; overdue by less, or reminded recently, is left alone."""
    long_overdue, _ = book(w, w.isqam_online, [w.staff[0]], on=TODAY - 50 * DAY)
    just_overdue, _ = book(w, w.isqam_online, [w.staff[1]], on=TODAY - 35 * DAY)
    reminded_lately, _ = book(w, w.isqam_original, [w.staff[2]], on=TODAY - 60 * DAY)
    reminded_long_ago, _ = book(w, w.isqam_original, [w.staff[3]], on=TODAY - 70 * DAY)
    Booking.objects.filter(pk=reminded_lately.pk).update(last_reminder_at=timezone.now() - 3 * DAY)
    Booking.objects.filter(pk=reminded_long_ago.pk).update(last_reminder_at=timezone.now() - 20 * DAY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dry = _run_reminders()
    assert "Total: 2 invoice(s) to remind (dry run" in dry
    assert long_overdue.invoice_number in dry and reminded_long_ago.invoice_number in dry
    assert just_overdue.invoice_number not in dry and reminded_lately.invoice_number not in dry
    assert _reminders() == [] and _reminder_events() == []
    with django_capture_on_commit_callbacks(execute=True):
        applied = _run_reminders("--apply")
    assert "Total: 2 invoice(s) reminded." in applied
    assert sorted(m.subject.split()[3] for m in _reminders()) == sorted(
        [long_overdue.invoice_number, reminded_long_ago.invoice_number]
    )
    assert len(_reminder_events()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert "Total: 0 invoice(s) reminded." in _run_reminders("--apply")
    assert len(_reminders()) == 2
    assert "Total: 1 invoice(s)" in _run_reminders("--days", "5")  # just_overdue: due 5 days ago


def test_it_refuses_fewer_than_one_day_for_the_reminders_command(w):
    """--days 0 would remind every day an invoice is unpaid: refused."""
    with pytest.raises(CommandError):
        _run_reminders("--days", "0")
