"""Commissioning an LCSPR by hand: when and by whom it was decided, and the key lines."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms

from accounts.fields import LongTextField
from accounts.forms import GdsDateField, gds_helper

from ..models import Lcspr


class CommissionForm(forms.Form):
    decided_on = GdsDateField(label="When was the decision to commission the LCSPR made?",
                              what="the date the decision to commission the LCSPR was made",
                              help_text="For example, 27 3 2027")
    decided_by = forms.ChoiceField(
        label="Who decided?", choices=Lcspr.DecidedBy.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select who decided to commission the LCSPR"})
    key_lines_of_enquiry = LongTextField(
        what="The key lines of enquiry", label="Key lines of enquiry", required=False,
        help_text="From the rapid review's conclusion: the terms of reference frame the "
                  "review's questions from them", widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, name: str = "LCSPR", **kwargs):
        super().__init__(*args, **kwargs)
        if name != "LCSPR":  # a learning review: its own words
            self.fields["decided_on"] = GdsDateField(
                label=f"When was the decision to start the {name} made?",
                what=f"the date the decision to start the {name} was made",
                help_text="For example, 27 3 2027")
            self.fields["decided_by"].error_messages["required"] = (
                f"Select who decided to start the {name}")
            self.fields["key_lines_of_enquiry"].help_text = (
                "What the review group wants the review to learn about")
        self.helper = gds_helper(Field("decided_on", legend_size=Size.MEDIUM),
                                 Field.radios("decided_by", legend_size=Size.MEDIUM),
                                 Field("key_lines_of_enquiry"),
                                 submit=f"Commission the {name}" if name == "LCSPR"
                                 else f"Start the {name}")
