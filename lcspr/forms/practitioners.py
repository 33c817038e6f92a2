"""Recording practitioners' involvement."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms

from accounts.fields import LongTextField
from accounts.forms import FormTokenField, GdsDateField, gds_helper
from accounts.models import Agency

from ..models import PractitionerInvolvement


class PractitionerInvolvementForm(forms.Form):
    kind = forms.ChoiceField(label="How were practitioners involved?",
                             choices=PractitionerInvolvement.Kind.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Select how practitioners were "
                                                         "involved"})
    held_on = GdsDateField(label="When?", what="the date", help_text="For example, 27 3 2027")
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies taking part (optional)", queryset=Agency.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple)
    attendance = LongTextField(label="Who attended or contributed?", what="The attendance",
                               help_text="Their roles, for example, health visitor and team "
                                         "manager",
                               widget=forms.Textarea(attrs={"rows": 3}),
                               error_messages={"required": "Enter who attended or "
                                                           "contributed"})
    notes = LongTextField(label="Notes (optional)", required=False, what="The notes",
                          widget=forms.Textarea(attrs={"rows": 3}))
    form_token = FormTokenField()

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = partnership.agencies.order_by("name")
        self.helper = gds_helper(Field.radios("kind", legend_size=Size.MEDIUM),
                                 Field("held_on", legend_size=Size.SMALL),
                                 Field.checkboxes("agencies", legend_size=Size.SMALL),
                                 Field.textarea("attendance", label_size=Size.SMALL),
                                 Field.textarea("notes", label_size=Size.SMALL),
                                 Field("form_token"), submit="Record the involvement")

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        values["agencies"] = list(values["agencies"])
        return values
