from __future__ import annotations

import datetime
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from attendance import services
from attendance.codes import CODE_CHOICES, CODES, n_resolution_codes
from attendance.models import (
    AttendanceMark,
    AttendanceSettings,
    ContactLog,
    EscalationStage,
    LetterTemplate,
    Session,
)
from core.forms import DateInput, NaturalModelChoiceField, saved_by
from core.naturalsort import natural_sorted
from organisations.models import Organisation
from organisations.vocabulary import year_choices
from people.models import Contact, Group, Pupil, Site


class QuickSelect(forms.Select):
    """A select rendered in Python rather than a template per option (the figures form's tens of options
    were most of the dashboard's template time); the same markup as Django's select and option templates.
    Options go straight from the choices (no option dictionaries): a select's options inherit no attributes,
    the first option whose value was chosen is `selected`."""

    def render(self, name, value, attrs=None, renderer=None):  # type: ignore[no-untyped-def]
        chosen = self.format_value(value)
        found = False

        def option(option_value: object, label: object) -> str:
            nonlocal found
            text = "" if option_value is None else str(option_value)
            selected = not found and text in chosen
            found |= selected
            return format_html(
                '\n  <option value="{}"{}>{}</option>', text, " selected" if selected else "", label
            )

        options = []
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                inner = "".join(option(v, sub) for v, sub in label)
                options.append(
                    format_html('\n  <optgroup label="{}">{}\n  </optgroup>', option_value, mark_safe(inner))
                )  # noqa: S308 escaped above
            else:
                options.append(option(option_value, label))
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            _attrs(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(options)),  # noqa: S308
        )


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: ` name="value"`, a bare name for True, nothing for False."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(' {}="{}"', name, str(value)) if value is not True else format_html(" {}", name),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class RangeForm(forms.Form):
    start = forms.DateField(widget=DateInput(), required=False)
    end = forms.DateField(widget=DateInput(), required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("The start date must be on or before the end date.")
        return data


class FiguresForm(RangeForm):
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, empty_label="All sites", widget=QuickSelect
    )
    year = forms.TypedChoiceField(
        choices=year_choices([], blank="All years"),
        widget=QuickSelect,
        coerce=int,
        required=False,
        empty_value=None,
        label="Year group",
    )
    group = NaturalModelChoiceField(
        queryset=Group.objects.none(), required=False, empty_label="All groups", widget=QuickSelect
    )

    def __init__(self, *args, organisation_ids=(), organisations=None, years=None, **kwargs):
        """In a group of schools, `school` narrows to one member; groups are offered for one school only
        (a trust's hundreds of tutor groups in one list help nobody). `organisations`: the scope's organisations
        when the caller has them (the years they teach need no query then)."""
        super().__init__(*args, **kwargs)
        organisation_ids = list(organisation_ids)
        if organisations is None:
            organisations = Organisation.objects.filter(pk__in=organisation_ids).prefetch_related("members")
        choices = year_choices(organisations, blank="All years")
        if years is not None:  # a head of year: only their own years, no "All years"
            choices = [(value, label) for value, label in choices if value and int(value) in years]
        self.fields["year"].choices = choices
        sites = Site.objects.filter(organisation_id__in=organisation_ids)
        self.fields["site"].queryset = sites
        # The selects' options straight from (id, name) rows, in the order the fields' own choices give
        # (Site's by name; groups naturally): no model instances, no server-side cursor. The fields still
        # validate against their querysets.
        self.fields["site"].widget.choices = [
            ("", "All sites"),
            *sites.order_by("name").values_list("pk", "name"),
        ]
        group_ids = organisation_ids
        if len(organisation_ids) > 1:
            schools = Organisation.objects.filter(pk__in=organisation_ids[1:]).order_by("name")
            self.fields["school"] = forms.ModelChoiceField(
                queryset=schools,
                required=False,
                empty_label="All schools",
                widget=QuickSelect,
                help_text="Choose a school to narrow by its tutor groups.",
            )
            # As the sites': (id, name) rows, not a server-side cursor over model instances.
            self.fields["school"].widget.choices = [("", "All schools"), *schools.values_list("pk", "name")]
            self.order_fields(["start", "end", "school", "site", "year", "group"])
            chosen = (self.data.get("school") or "") if self.is_bound else ""
            group_ids = [int(chosen)] if chosen.isdigit() and int(chosen) in organisation_ids[1:] else []
        if group_ids:
            groups = Group.objects.filter(organisation_id__in=group_ids, kind=Group.Kind.TUTOR).order_by(
                "name"
            )
            self.fields["group"].queryset = groups
            named = natural_sorted(groups.values_list("pk", "name"), key=lambda row: row[1])
            self.fields["group"].widget.choices = [("", "All groups"), *named]
        else:
            del self.fields["group"]


class RegisterChoiceForm(forms.Form):
    date = forms.DateField(widget=DateInput(), initial=timezone.localdate)
    session = forms.ChoiceField(choices=Session.choices)


class AmendForm(forms.Form):
    date = forms.DateField(widget=DateInput())
    session = forms.ChoiceField(choices=Session.choices)
    code = forms.ChoiceField(choices=CODE_CHOICES)
    minutes_late = forms.IntegerField(min_value=1, max_value=300, required=False, help_text="Needed for L.")
    reason = forms.CharField(max_length=300, help_text="Kept with the original mark for six years.")

    def clean(self):
        data = super().clean()
        if data.get("code") == "L" and not data.get("minutes_late"):
            self.add_error("minutes_late", "Enter how many minutes late the pupil arrived.")
        if data.get("date") and data["date"] > timezone.localdate():
            self.add_error("date", "You cannot mark a future session.")
        return data


# How far ahead of the server's clock a time may be: a device whose clock runs a little fast, not a later day.
CLOCK_SKEW = datetime.timedelta(minutes=5)


class ResolveNForm(forms.Form):
    """The code an N becomes, chosen (no code is pre-selected) from those that can resolve the mark's session."""

    code = forms.ChoiceField(
        label="Resolve to", error_messages={"required": "Choose the code the N resolves to."}
    )
    reason = forms.CharField(
        max_length=300, help_text="What the school learned, e.g. 'Mother phoned: illness'."
    )

    def __init__(self, *args, mark=None, **kwargs):
        super().__init__(*args, **kwargs)
        codes = n_resolution_codes(mark.session if mark is not None else None)
        self.fields["code"].choices = [
            ("", "Choose a code"),
            *((c, f"{c} {CODES[c].meaning}") for c in codes),
        ]


def resolve_n_posted(
    request: HttpRequest, mark: AttendanceMark, *, said: Callable[[str], str]
) -> ResolveNForm | None:
    """Resolve an N mark as posted to its page (the office's N queue and a PAL's caseload share it).

    None when the page is done: the mark resolved by this request (the message `said(its new code)`), or resolved
    already (said so). Otherwise the form to show: blank, or as posted with what to correct (the service's refusal
    on it too)."""
    if mark.code != "N":
        messages.info(request, "That mark has already been resolved.")
        return None
    form = ResolveNForm(request.POST or None, mark=mark)
    resolved = saved_by(
        request,
        form,
        lambda data: services.resolve_n(
            actor=request.user, mark=mark, code=data["code"], reason=data["reason"]
        ),
    )
    if resolved is None:
        return form
    messages.success(request, said(form.cleaned_data["code"]))
    return None


def amend_posted(
    request: HttpRequest, pupil: Pupil, *, said: Callable[[AttendanceMark], str]
) -> AmendForm | None:
    """Amend one of a pupil's marks with a reason as posted to its page (the office's and a PAL's caseload share it).

    None when the page is done: the mark amended by this request (the message `said(the mark as amended)`).
    Otherwise the form to show: blank but for the date and session the link asked for (`?date=&session=`), or as
    posted with what to correct (the service's refusal on it too)."""
    form = AmendForm(
        request.POST or None, initial={"date": request.GET.get("date"), "session": request.GET.get("session")}
    )
    amended = saved_by(
        request,
        form,
        lambda data: services.amend_mark(
            actor=request.user,
            pupil=pupil,
            date=data["date"],
            session=data["session"],
            code=data["code"],
            minutes_late=data["minutes_late"],
            reason=data["reason"],
        ),
    )
    if amended is None:
        return form
    messages.success(request, said(amended))
    return None


class ContactLogForm(forms.ModelForm):
    class Meta:
        model = ContactLog
        fields = ["method", "contact", "to_whom", "occurred_at", "outcome", "next_step"]
        widgets = {
            "occurred_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, pupil=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(pupil_links__pupil=pupil)
        self.fields["contact"].required = False
        self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean_occurred_at(self):
        occurred_at = self.cleaned_data["occurred_at"]
        if occurred_at > timezone.now() + CLOCK_SKEW:
            raise forms.ValidationError("This is in the future: give the date and time the contact was made.")
        return occurred_at

    def clean(self):
        data = super().clean()
        if not data.get("contact") and not (data.get("to_whom") or "").strip():
            self.add_error("to_whom", "Choose one of the pupil's contacts or say who you contacted.")
        return data


class LetterForm(RangeForm):
    template = forms.ModelChoiceField(queryset=LetterTemplate.objects.none(), empty_label=None)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = LetterTemplate.objects.filter(organisation=organisation)


class EscalateForm(forms.Form):
    stage = forms.ModelChoiceField(queryset=EscalationStage.objects.none(), empty_label=None)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = EscalationStage.objects.filter(organisation=organisation)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = AttendanceSettings
        fields = [
            "am_starts_at",
            "pm_starts_at",
            "open_minutes",
            "escalate_automatically",
            "contact_log_years_after_leaving",
        ]
        widgets = {
            "am_starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "pm_starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


class _RuleDefaults:
    """The rule's minimums may be left blank: they then take the model's defaults (20 sessions, 0 days)."""

    RULE_MINIMUMS = ("min_possible_sessions", "min_school_days_since_previous")

    def _optional_minimums(self) -> None:
        for name in self.RULE_MINIMUMS:
            self.fields[name].required = False  # type: ignore[attr-defined]

    def clean_min_possible_sessions(self):
        value = self.cleaned_data.get("min_possible_sessions")  # type: ignore[attr-defined]
        return EscalationStage._meta.get_field("min_possible_sessions").default if value is None else value

    def clean_min_school_days_since_previous(self):
        value = self.cleaned_data.get("min_school_days_since_previous")  # type: ignore[attr-defined]
        return 0 if value is None else value


class StageForm(_RuleDefaults, forms.ModelForm):
    class Meta:
        model = EscalationStage
        fields = [
            "order",
            "name",
            "description",
            "letter_template",
            "threshold_percent",
            "min_possible_sessions",
            "min_school_days_since_previous",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["letter_template"].queryset = LetterTemplate.objects.filter(organisation=organisation)
        self._optional_minimums()

    def clean_order(self):
        order = self.cleaned_data["order"]
        if EscalationStage.objects.filter(organisation=self.organisation, order=order).exists():
            raise forms.ValidationError("A stage already has this number.")
        return order


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["name", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}


def parse_date(value: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return default


class StageRuleForm(_RuleDefaults, forms.ModelForm):
    """A stage's entry rule (and letter), edited after the stage exists."""

    class Meta:
        model = EscalationStage
        fields = [
            "name",
            "description",
            "letter_template",
            "threshold_percent",
            "min_possible_sessions",
            "min_school_days_since_previous",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letter_template"].queryset = LetterTemplate.objects.filter(
            organisation_id=self.instance.organisation_id
        )
        self._optional_minimums()


class LessonRegisterChoiceForm(forms.Form):
    """Which lesson register to open: a group, a date, the session it falls in and the lesson's name."""

    group = NaturalModelChoiceField(queryset=Group.objects.none(), empty_label=None)
    date = forms.DateField(widget=DateInput())
    session = forms.ChoiceField(choices=Session.choices, help_text="The half of the day the lesson is in.")
    lesson = forms.CharField(
        label="Lesson or period", max_length=60, help_text="As the school names it, e.g. 'P3 Maths'."
    )

    def __init__(self, *args, groups=None, group_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        if groups is not None:
            field.queryset = groups.select_related("organisation", "site") if group_label else groups
        if group_label is not None:  # e.g. with the site, where two sites have groups of the same name
            field.label_from_instance = group_label

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("Lesson registers cannot be taken for future days.")
        return date

    def clean_lesson(self):
        lesson = " ".join(self.cleaned_data["lesson"].split())
        if not lesson:
            raise forms.ValidationError("Give the lesson or period.")
        return lesson


class TruancyForm(forms.Form):
    date = forms.DateField(widget=DateInput(), required=False)
