"""A learning review's method and leading agency (seed 002, seed 003 flowchart 4)."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms

from accounts.forms import RevisionField, gds_helper


class LearningMethodForm(forms.Form):
    """Seed 002: the learning review's form; seed 003 flowchart 4: the review group agrees
    the methodology. ``revision``: the method's revision when the page was read."""

    method = forms.ChoiceField(label="How will the review be carried out?",
                               widget=forms.RadioSelect,
                               error_messages={"required": "Select how the review will be "
                                                           "carried out"})
    leading_agency = forms.ModelChoiceField(
        label="Which agency is leading the review?", queryset=None, required=False,
        empty_label="Select an agency")
    revision = RevisionField()

    def __init__(self, *args, methods, agencies, needs_agency: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [(m.value, m.label) for m in methods]
        self.fields["leading_agency"].queryset = agencies
        fields = [Field.radios("method", legend_size=Size.MEDIUM)]
        if needs_agency:
            fields.append(Field("leading_agency"))
        else:
            del self.fields["leading_agency"]
        self.helper = gds_helper(*fields, Field("revision"), submit="Save")
