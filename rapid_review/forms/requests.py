"""Forms for the business unit's side: sending requests, receipt, reopening a return."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils.html import format_html

from accounts.fields import NOTE_MAX_LENGTH, LongTextField
from accounts.forms import FormTokenField, GdsDateField, gds_helper

from ..models import InformationRequest


class SendRequestsForm(forms.Form):
    """Checkboxes of agencies, each with why it is asked; rendered by its own template
    because each checkbox reveals its agency's reason."""

    agencies = forms.MultipleChoiceField(
        label="Which agencies should be sent an information request?", choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the agencies to send information requests to"})
    form_token = FormTokenField()

    def __init__(self, *args, candidates, involved_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()  # for the error summary; the template lays it out
        self.candidates = list(candidates)
        self.involved_ids = set(involved_ids)
        self.fields["agencies"].choices = [(str(a.pk), a.name) for a in self.candidates]
        if not self.is_bound:
            self.initial["agencies"] = [str(a.pk) for a in self.candidates
                                        if a.pk in self.involved_ids]
        for agency in self.candidates:
            self.fields[f"reason_{agency.pk}"] = forms.ChoiceField(
                # Labels are shown as markup (GOV.UK's templates): the agency's name escaped.
                label=format_html("Why is {} being asked?", agency.name), required=False,
                choices=InformationRequest.Reason.choices,
                initial=InformationRequest.Reason.CHILD, widget=forms.RadioSelect)

    def rows(self):
        """(agency, checked, reason bound field, in the professional network) per agency."""
        chosen = set(self["agencies"].value() or [])
        return [(agency, str(agency.pk) in chosen, self[f"reason_{agency.pk}"],
                 agency.pk in self.involved_ids) for agency in self.candidates]

    def clean(self):
        data = super().clean()
        by_pk = {str(a.pk): a for a in self.candidates}
        chosen = []
        for pk in data.get("agencies") or []:
            reason = data.get(f"reason_{pk}")
            if not reason:
                self.add_error(f"reason_{pk}", f"Select why {by_pk[pk].name} is being asked")
            chosen.append((by_pk[pk], reason))
        data["agencies_with_reasons"] = chosen
        return data


class ReceiptForm(forms.Form):
    confirmed_on = GdsDateField(label="When did the agency confirm it received the request?",
                                what="the date the agency confirmed receipt",
                                help_text="For example, 27 11 2026")
    note = LongTextField(label="Note of the call (optional)", required=False,
                         max_length=NOTE_MAX_LENGTH, what="The note of the call",
                           help_text="Who you spoke to, and anything agreed",
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("confirmed_on", legend_size=Size.MEDIUM),
                                 Field.textarea("note"), submit="Record receipt")


class ReopenForm(forms.Form):
    reason = LongTextField(
        label="Why are you reopening this return?", what="Why the return is reopened",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The agency sees this reason on its return",
        error_messages={"required": "Enter why the return is being reopened"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("reason", label_size=Size.MEDIUM),
                                 submit="Reopen the return")

