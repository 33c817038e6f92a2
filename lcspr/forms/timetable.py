"""The review's timetable: adding an item, moving it with a reason, cancelling it, and
recording it held or done."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms

from accounts.fields import LongTextField
from accounts.forms import (
    FormTokenField,
    GdsDateField,
    RevisionField,
    StartTimeField,
    gds_helper,
)

from ..models import TimetableItem
from ..services.timetable import LOCATION_MAX, TITLE_MAX

CONFIRM_LABEL = "The date is not a working day, and the item is meant to be on it"


def _confirm_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=CONFIRM_LABEL, required=False,
        help_text="Only needed for a weekend, a bank holiday or a day the partnership is "
                  "closed; its reminders count to the next working day")


class TimetableItemForm(forms.Form):
    kind = forms.ChoiceField(label="What kind of item is it?",
                             choices=TimetableItem.Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select what kind of item it is"})
    title = forms.CharField(
        label="Describe it", max_length=TITLE_MAX,
        help_text="For example, Review sub-group meeting 2, or Agency chronologies due",
        error_messages={"required": "Enter what the item is, for example the sub-group's "
                                    "first meeting",
                        "max_length": f"The description must be {TITLE_MAX} characters or "
                                      f"fewer"})
    due_on = GdsDateField(label="When is it?", what="the date of the item",
                          help_text="For example, 27 3 2027")
    starts_at = StartTimeField()
    location = forms.CharField(
        label="Where is it? (optional)", max_length=LOCATION_MAX, required=False,
        help_text="A room, or how to join online",
        error_messages={"max_length": f"Where it is must be {LOCATION_MAX} characters or "
                                      f"fewer"})
    non_working_day_confirmed = _confirm_field()
    form_token = FormTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("title", field_width=Fluid.TWO_THIRDS, label_size=Size.SMALL),
            Field("due_on", legend_size=Size.SMALL),
            Field.text("starts_at", field_width=5, label_size=Size.SMALL),
            Field.text("location", field_width=Fluid.TWO_THIRDS, label_size=Size.SMALL),
            Field.checkbox("non_working_day_confirmed"), Field("form_token"),
            submit="Add to the timetable")


class TimetableMoveForm(forms.Form):
    due_on = GdsDateField(label="What is the new date?", what="the new date of the item",
                          help_text="For example, 27 3 2027")
    reason = LongTextField(label="Why is it moving?", what="The reason",
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "Enter why the date is moving"})
    non_working_day_confirmed = _confirm_field()
    revision = RevisionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("due_on", legend_size=Size.SMALL),
                                 Field.textarea("reason", label_size=Size.SMALL),
                                 Field.checkbox("non_working_day_confirmed"),
                                 Field("revision"), submit="Move the item")


class TimetableCancelForm(forms.Form):
    reason = LongTextField(label="Why is it cancelled?", what="The reason",
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "Enter why the item is cancelled"})
    revision = RevisionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("reason", label_size=Size.SMALL),
                                 Field("revision"), submit="Cancel the item")


class TimetableDoneForm(forms.Form):
    done_on = GdsDateField(label="When was it held or done?",
                           what="the date it was held or done",
                           help_text="For example, 27 3 2027")
    revision = RevisionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("done_on", legend_size=Size.SMALL),
                                 Field("revision"), submit="Record it as held or done")

