"""Signals other apps listen to, so behaviour never imports them."""

from django.dispatch import Signal

# Sent after a lesson's scores are saved on a report card: kwargs card, date, actor.
report_scores_recorded = Signal()
