"""Forms for the LCSPR's dates, with GOV.UK layout and wording."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms

from accounts.forms import GdsDateField, gds_helper

from ..models import FinalReportDispatch


class PublicationPlanForm(forms.Form):
    planned_on = GdsDateField(label="When is the report planned to be published?",
                              what="the planned publication date",
                              help_text="For example, 27 3 2027")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("planned_on", legend_size=Size.LARGE, legend_tag="h1"),
                                 submit="Save the date")


class FinalReportSentForm(forms.Form):
    recipients = forms.MultipleChoiceField(
        label="Who was the approved final report sent to?", widget=forms.CheckboxSelectMultiple,
        choices=FinalReportDispatch.Recipient.choices,
        error_messages={"required": "Select who the final report was sent to"})
    method = forms.ChoiceField(label="How was it sent?", widget=forms.RadioSelect,
                               choices=FinalReportDispatch.Method.choices,
                               error_messages={"required": "Select how it was sent"})
    sent_on = GdsDateField(label="When was it sent?", what="the date the final report was sent")

    def __init__(self, *args, sent: frozenset = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = [
            c for c in FinalReportDispatch.Recipient.choices if c[0] not in sent]
        self.helper = gds_helper(Field.checkboxes("recipients", legend_size=Size.LARGE,
                                                  legend_tag="h1"),
                                 Field.radios("method", legend_size=Size.SMALL),
                                 Field("sent_on", legend_size=Size.SMALL),
                                 submit="Record as sent")
