"""Asking an agency for further information for the LCSPR."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms

from accounts.fields import LongTextField
from accounts.forms import FormTokenField, GdsDateField, gds_helper


class FurtherRequestForm(forms.Form):
    agency = forms.ChoiceField(label="Which agency is being asked?",
                               error_messages={"required": "Select the agency to ask"})
    questions = LongTextField(
        label="What does the reviewer want to know?", what="The questions",
        max_length=10_000, widget=forms.Textarea(attrs={"rows": 8}),
        help_text="The reviewer's questions, one after another. The agency sees them with its "
                  "return",
        error_messages={"required": "Enter what the reviewer wants the agency to tell them"})
    return_by = GdsDateField(label="When must the agency answer by?",
                             what="the date the agency must answer by",
                             help_text="On the partnership's calendar: if the partnership is "
                                       "closed that day, the working day before")
    form_token = FormTokenField()

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.pk): a for a in agencies}
        self.fields["agency"].choices = [("", "Select an agency"),
                                         *[(str(a.pk), a.name) for a in agencies]]
        self.helper = gds_helper(Field("agency", label_size=Size.MEDIUM),
                                 Field.textarea("questions", label_size=Size.MEDIUM),
                                 Field("return_by", legend_size=Size.MEDIUM),
                                 Field("form_token"), submit="Send the request")

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        values["agency"] = self.agencies.get(values.get("agency") or "")
        return values
