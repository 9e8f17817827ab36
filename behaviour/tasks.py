"""Background work for behaviour: sending the notices of a suspension or exclusion."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks import task


@task()
def send_suspension_notice(notice_id: int) -> bool:
    """E-mail one recorded notice: parents and carers get the school's letter as a PDF, other parties a short
    notice naming the pupil, the kind, the dates and the reason."""
    from behaviour.documents import suspension_letter_pdf
    from behaviour.models import SuspensionNotice

    notice = (
        SuspensionNotice.objects.select_related("suspension__pupil", "suspension__organisation")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None:
        return False
    suspension = notice.suspension
    school, pupil = suspension.organisation, suspension.pupil
    until = suspension.ends_on or suspension.leaves_roll_on
    lines = [
        f"{school.name} writes to tell you of the {suspension.get_kind_display().lower()} of "
        f"{pupil.display_name} (born {pupil.date_of_birth:%d %B %Y}, {pupil.year_label}).",
        f"From {suspension.starts_on:%d %B %Y}" + (f" to {until:%d %B %Y}" if until else "") + ".",
        f"Sessions: {suspension.sessions}. Reason: {suspension.get_reason_display()}.",
    ]
    if notice.party == SuspensionNotice.Party.PARENT:
        lines.append(
            "The headteacher's letter is attached. Please read it: it says what happens next and your right "
            "to make representations to the governing board."
        )
    message = EmailMessage(
        subject=f"{school.name}: {suspension.get_kind_display().lower()} of {pupil.display_name}",
        body="\n\n".join(lines) + "\n",
        to=[notice.email],
    )
    if notice.party == SuspensionNotice.Party.PARENT:
        pdf = suspension_letter_pdf(suspension, today=timezone.localdate(notice.sent_at))
        message.attach(f"suspension-letter-{suspension.pk}.pdf", pdf, "application/pdf")
    return bool(message.send())
