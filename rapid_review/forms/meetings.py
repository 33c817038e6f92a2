"""Forms for the rapid review meeting: a session, and who attended it."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms

from accounts.fields import NOTE_MAX_LENGTH, LongTextField
from accounts.forms import GdsDateField, StartTimeField, gds_helper
from accounts.models import Agency

from ..models import TermsMember


class MeetingForm(forms.Form):
    held_on = GdsDateField(label="Date of the session", what="the date of the session")
    starts_at = StartTimeField()
    location = forms.CharField(
        label="Where is it?", max_length=200, help_text="A room, or how to join online",
        error_messages={"required": "Enter where the meeting is, or how to join it online"})
    outside_window_reason = LongTextField(
        label="If the date is outside the plan's window for the meeting, why?",
        max_length=NOTE_MAX_LENGTH, what="Why the date is outside the window",
        required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("held_on", legend_size=Size.SMALL),
            Field.text("starts_at", field_width=5, label_size=Size.SMALL),
            Field.text("location", field_width=Fluid.TWO_THIRDS, label_size=Size.SMALL),
            Field.textarea("outside_window_reason", label_size=Size.SMALL),
            submit="Schedule the session")


class AttendeeForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200,
                           error_messages={"required": "Enter the attendee's name"})
    role = forms.ChoiceField(label="In what capacity did they attend?",
                             choices=TermsMember.Role.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select the capacity they attended in"})
    agency = forms.ModelChoiceField(label="Agency (optional)", required=False, queryset=None,
                                    empty_label="Not from an agency in the directory")

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.helper = gds_helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS, label_size=Size.SMALL),
            Field.radios("role", legend_size=Size.SMALL),
            Field.select("agency", label_size=Size.SMALL),
            submit="Add attendee")


def partnership_agencies(partnership):
    return Agency.objects.filter(partnerships=partnership).order_by("name")
