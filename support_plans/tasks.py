"""Background work for support plans: telling the coordinator when monitoring shows a plan failing."""

from __future__ import annotations

from django.core.mail import send_mail
from django.urls import reverse
from django_tasks import task


@task()
def send_alert_email(alert_id: int) -> bool:
    """E-mail the coordinator that the plan may be failing and the parents should be contacted."""
    from support_plans.models import Alert

    alert = Alert.objects.select_related("plan__coordinator", "plan__pupil").filter(pk=alert_id).first()
    if alert is None or not alert.is_open or not alert.plan.coordinator.email:
        return False
    plan = alert.plan
    pupil = f"{plan.pupil.first_name} {plan.pupil.last_name[:1]}."
    send_mail(
        subject=f"Pastoral Support Programme for {pupil}: please contact the parents",
        message=(
            f"Monitoring suggests the Pastoral Support Programme for {pupil} may be failing:\n{alert.reason}.\n\n"
            "The guidance asks the coordinator to contact the parents or carers between reviews to discuss options. "
            f"Record the conversation on the plan: {reverse('support_plans:alert_resolve', args=[alert.pk])}\n"
        ),
        from_email=None,
        recipient_list=[plan.coordinator.email],
    )
    return True
