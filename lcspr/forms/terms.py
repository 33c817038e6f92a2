"""The LCSPR's terms of reference, and the sub-group's agreement to a version."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from accounts.fields import NOTE_MAX_LENGTH, LongTextField
from accounts.forms import GdsDateField, RevisionField, gds_helper
from accounts.models import Agency


class TermsForm(forms.Form):
    questions = LongTextField(label="Questions for the review",
                              help_text="Framed from the key lines of enquiry",
                              widget=forms.Textarea(attrs={"rows": 6}))
    scope_from = GdsDateField(label="From", what="the date the scope period starts")
    scope_to = GdsDateField(label="To", what="the date the scope period ends")
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies in scope", queryset=Agency.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple)
    method = LongTextField(label="Method", widget=forms.Textarea(attrs={"rows": 4}))
    child_perspective = LongTextField(label="How will the review reflect the child's "
                                            "perspective?", what="The child's perspective",
                                      widget=forms.Textarea(attrs={"rows": 3}))
    practitioner_involvement = LongTextField(
        label="How will practitioners be involved?", what="Practitioner involvement",
        widget=forms.Textarea(attrs={"rows": 3}))
    family_involvement = LongTextField(
        label="How will the family be involved?", what="Family involvement",
        widget=forms.Textarea(attrs={"rows": 3}))
    communications_lead = forms.CharField(
        label="Communication lead", max_length=NOTE_MAX_LENGTH,
        help_text="Who responds to media interest about the review",
        error_messages={"required": "Enter who leads communications about the review"})
    criminal_proceedings = LongTextField(
        label="Criminal proceedings (optional)", required=False,
        help_text="Links with any criminal investigation or trial, through the legal adviser",
        widget=forms.Textarea(attrs={"rows": 3}))
    coroner = LongTextField(label="Coroner (optional)", required=False,
                            help_text="Links with any inquest, through the legal adviser",
                            widget=forms.Textarea(attrs={"rows": 3}))
    version = RevisionField()

    REQUIRED = {"questions": "Enter the questions the review will answer",
                      "method": "Enter the method of the review",
                      "child_perspective": "Enter how the review will reflect the child's "
                                           "perspective",
                      "practitioner_involvement": "Enter how practitioners will be involved",
                      "family_involvement": "Enter how the family will be involved"}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        for field, message in self.REQUIRED.items():
            self.fields[field].error_messages["required"] = message
        self.fields["agencies"].queryset = partnership.agencies.order_by("name")
        self.helper = gds_helper(
            Field("questions"),
            Fieldset(Field("scope_from"), Field("scope_to"), legend="Scope period",
                     legend_size=Size.MEDIUM),
            Field.checkboxes("agencies", legend_size=Size.MEDIUM),
            Field("method"), Field("child_perspective"), Field("practitioner_involvement"),
            Field("family_involvement"), Field.text("communications_lead"),
            Field("criminal_proceedings"), Field("coroner"), Field("version"),
            submit="Save the terms of reference")

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        values["agencies"] = list(values["agencies"])
        return values


class AgreeForm(forms.Form):
    agreed_by = forms.CharField(
        label="Who agreed the terms for the review sub-group?", max_length=500,
        help_text="For example, the sub-group meeting and its chair, as minuted",
        error_messages={"required": "Enter who agreed the terms for the sub-group"})
    agreed_on = GdsDateField(label="When did the sub-group agree them?",
                             what="the date the sub-group agreed the terms")
    version = RevisionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.text("agreed_by"), Field("agreed_on"),
                                 Field("version"), submit="Record the agreement")
