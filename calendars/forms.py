"""Forms for the partnership calendar and timeline plan, with GOV.UK layout and wording."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset, Fixed, Fluid, Size
from django import forms

from accounts.fields import NOTE_MAX_LENGTH, LongTextField
from accounts.forms import GdsDateField
from accounts.forms import gds_helper as _helper
from accounts.models import Role

from .models import CalendarDay, TimelineStep, TimelineTemplate


class CalendarDayForm(forms.Form):
    date = GdsDateField(label="Date", what="the date", help_text="For example, 24 12 2026")
    kind = forms.ChoiceField(label="What changes on this day?", choices=CalendarDay.Kind.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Select what changes on this day"})
    reason = forms.CharField(label="Reason", max_length=200,
                             help_text="For example, 'Council closure between Christmas and "
                                       "New Year'",
                             error_messages={"required": "Enter the reason for the change"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("date"), Field.radios("kind", legend_size=Size.SMALL),
            Field.text("reason", field_width=Fluid.TWO_THIRDS), submit="Add change")


class RemoveCalendarDayForm(forms.Form):
    """Empty: a POST with a CSRF token is the confirmation."""


class AdoptTemplateForm(forms.Form):
    template = forms.ModelChoiceField(
        label="Which plan should new deadlines follow?",
        queryset=TimelineTemplate.objects.filter(partnership__isnull=True),
        widget=forms.RadioSelect, empty_label=None,
        error_messages={"required": "Select a plan"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].label_from_instance = lambda t: t.name
        self.helper = _helper(Field.radios("template", legend_size=Size.LARGE,
                                           legend_tag="h1"), submit="Use this plan")


def _parse_days(value: str) -> list[int]:
    days = []
    for part in value.replace(" ", "").split(","):
        if not part:
            continue
        if not part.isdigit() or int(part) > 60:
            raise forms.ValidationError(
                "Enter whole numbers of working days between 1 and 60, separated by commas")
        days.append(int(part))
    return sorted(set(days), reverse=True)


class TimelineStepForm(forms.ModelForm):
    remind_days_before = forms.CharField(
        label="Remind how many working days before?", required=False,
        help_text="Separate numbers with commas, for example 2, 1. Leave empty for none")

    class Meta:
        model = TimelineStep
        fields = ["label", "anchor", "direction", "offset", "unit", "window_start",
                  "calendar", "met_by", "responsible_role", "responsible_is_agency",
                  "remind_days_before", "remind_on_day", "remind_daily_when_overdue",
                  "escalate_after"]
        labels = {
            "label": "Step name",
            "calendar": "Which days does it count?",
            "met_by": "What meets it?",
            "anchor": "Counted from",
            "direction": "Before or after that event?",
            "offset": "How long",
            "unit": "Unit",
            "window_start": "Earliest (optional, same unit)",
            "responsible_role": "Who is responsible?",
            "responsible_is_agency": "Due from the agency the request is addressed to",
            "remind_on_day": "Remind on the day it is due",
            "remind_daily_when_overdue": "Remind every working day while overdue",
            "escalate_after": "Tell the business manager after how many working days overdue?",
        }
        help_texts = {
            "calendar": "Time limits set in law (notifying the Panel, submitting the rapid "
                        "review, sending the final LCSPR report) count England's bank "
                        "holidays only: your closure days never move them",
            "met_by": "The step is marked met when this is done in the service",
        }
        error_messages = {
            "label": {"required": "Enter the step name"},
            "met_by": {"required": "Select what meets the step"},
            "anchor": {"required": "Select the event the step counts from"},
            "offset": {"required": "Enter how long after (or before) the event the step is due",
                       "invalid": "Enter a whole number"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_role"].choices = [("", "Nobody in particular")] + list(
            Role.choices)
        if self.instance.pk:
            self.initial["remind_days_before"] = ", ".join(
                str(d) for d in self.instance.remind_days_before or [])
        self.helper = _helper(
            Field.text("label", field_width=Fluid.FULL),
            Fieldset(Field.select("anchor"), Field.radios("direction"),
                     Field.text("offset", field_width=Fixed.THREE), Field.select("unit"),
                     Field.text("window_start", field_width=Fixed.THREE),
                     Field.radios("calendar", legend_size=Size.SMALL),
                     legend="When it is due", legend_size=Size.MEDIUM),
            Field.select("met_by"),
            Fieldset(Field.select("responsible_role"), Field.checkbox("responsible_is_agency"),
                     legend="Who is responsible", legend_size=Size.MEDIUM),
            Fieldset(Field.text("remind_days_before", field_width=Fixed.TEN),
                     Field.checkbox("remind_on_day"), Field.checkbox("remind_daily_when_overdue"),
                     Field.text("escalate_after", field_width=Fixed.THREE),
                     legend="Reminders", legend_size=Size.MEDIUM),
            submit="Save step",
        )

    def clean_remind_days_before(self):
        return _parse_days(self.cleaned_data.get("remind_days_before") or "")

    def clean(self):
        cleaned = super().clean()
        start, offset = cleaned.get("window_start"), cleaned.get("offset")
        if start is not None and offset is not None and start > offset:
            self.add_error("window_start", "The earliest point must not be after the due point")
        return cleaned


class WaiveDeadlineForm(forms.Form):
    reason = LongTextField(
        label="Why does this deadline no longer apply?", widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX_LENGTH, what="Why the deadline no longer applies",
        error_messages={"required": "Enter why this deadline no longer applies"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reason", label_size=Size.MEDIUM, label_tag="h1"),
                              submit="Waive deadline")


class AnchorDateForm(forms.Form):
    occurred_on = GdsDateField(label="Date", what="the date")

    def __init__(self, *args, label: str = "Date", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].label = label
        self.helper = _helper(Field("occurred_on"), submit="Save date")


class MarkDoneForm(forms.Form):
    note = forms.CharField(label="Note (optional)", required=False, max_length=300,
                           help_text="For example, 'Conference booked for 10am by telephone'")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("note", field_width=Fluid.FULL),
                              submit="Mark as done")
