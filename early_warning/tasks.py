"""Background work for early warning: the weekly digest e-mail to each PAL and head of year of a school."""

from __future__ import annotations

from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task


@task()
def send_weekly_digest(organisation_id: int) -> int:
    """E-mail each PAL and head of year of the school their digest; returns how many were sent."""
    from early_warning.digest import digest_for, recipients
    from organisations.models import Organisation

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    today = timezone.localdate()
    sent = 0
    for user in recipients(organisation, today):
        built = digest_for(user, organisation, today)
        if built is not None:
            send_mail(subject=built[0], message=built[1], from_email=None, recipient_list=[user.email])
            sent += 1
    return sent
