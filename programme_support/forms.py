from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone

from core.uploads import ALLOWED_DESCRIPTION, max_upload_bytes
from programme_support import permissions as perms
from qualifications.models import Edition, Enrolment, Module, TrainingDay

FILE_HELP = f"{ALLOWED_DESCRIPTION}; up to {max_upload_bytes() // (1024 * 1024)} MB."


class ResourceForm(forms.Form):
    """A course material: a link or a file, and where in the edition it belongs."""

    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(
        label="Description", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    scope = forms.ChoiceField(label="Where it belongs")
    url = forms.CharField(
        label="Link",
        required=False,
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="An http or https address (a Padlet board, a reading, a video). Leave blank to upload a file.",
        widget=forms.URLInput,
    )
    file = forms.FileField(label="Or a file", required=False, help_text=FILE_HELP)

    def __init__(self, *args: Any, edition: Edition, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.modules = {f"module-{m.pk}": m for m in edition.modules.order_by("number")}
        days = (
            TrainingDay.objects.filter(cluster__edition=edition)
            .select_related("cluster")
            .order_by("starts_at")
        )
        self.days = {f"day-{d.pk}": d for d in days if perms.can_add_to_training_day(user, d)}
        whole = [("programme", "The whole programme")] if perms.can_add_resources(user, edition) else []
        modules = [(k, f"Module {m.number}: {m.title}") for k, m in self.modules.items()] if whole else []
        choices: list[Any] = list(whole)
        if modules:
            choices.append(("Modules", modules))
        if self.days:
            choices.append(
                (
                    "Training days",
                    [
                        (k, f"{d.cluster.name}, {timezone.localtime(d.starts_at):%-d %B %Y}")
                        for k, d in self.days.items()
                    ],
                )
            )
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ChoiceField)
        scope.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("url") and data.get("file"):
            self.add_error("url", "Give either a link or a file, not both.")
        elif not data.get("url") and not data.get("file") and not self.errors:
            self.add_error("url", "Give a link, or choose a file to upload.")
        return data

    def scope_objects(self) -> tuple[Module | None, TrainingDay | None]:
        key = self.cleaned_data.get("scope", "")
        return self.modules.get(key), self.days.get(key)


class QuestionForm(forms.Form):
    enrolment = forms.ModelChoiceField(label="About", queryset=Enrolment.objects.none(), empty_label=None)
    subject = forms.CharField(label="Subject", max_length=200)
    body = forms.CharField(label="Your question", max_length=8000, widget=forms.Textarea(attrs={"rows": 8}))
    file = forms.FileField(label="Attach a file (optional)", required=False, help_text=FILE_HELP)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["enrolment"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = perms.askable_enrolments(user)
        field.label_from_instance = lambda obj: (  # type: ignore[method-assign]  # per-instance override
            f"{obj.edition} Level {obj.level.number}, {obj.cluster.name}"
            + ("" if obj.participant_id == user.pk else f" (mentoring {obj.participant.full_name})")
        )


class ReplyForm(forms.Form):
    body = forms.CharField(label="Your reply", max_length=8000, widget=forms.Textarea(attrs={"rows": 5}))
    file = forms.FileField(label="Attach a file (optional)", required=False, help_text=FILE_HELP)
