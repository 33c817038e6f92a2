"""Forms for the submission to the Panel and the delay notice."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms

from accounts.fields import LongTextField
from accounts.forms import FormTokenField, GdsDateField, gds_helper

from ..models import PanelSubmission


class SubmissionForm(forms.Form):
    submitted_on = GdsDateField(label="When was it submitted to the Panel?",
                                what="the date it was submitted")
    method = forms.ChoiceField(label="How was it submitted?",
                               choices=PanelSubmission.Method.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": "Select how it was submitted"})
    late_reason = LongTextField(
        label="If it was submitted after working day 15, why was it late?", required=False,
        what="Why it was late",
        help_text="Only if the Panel was not already sent a notice of the delay. The reason "
                  "is recorded as the notice sent with the submission",
        widget=forms.Textarea(attrs={"rows": 3}))
    form_token = FormTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("submitted_on", legend_size=Size.SMALL),
                                 Field.radios("method", legend_size=Size.SMALL),
                                 Field.textarea("late_reason", label_size=Size.SMALL),
                                 Field("form_token"), submit="Record the submission")


class DelayNoticeForm(forms.Form):
    reason = LongTextField(label="Why will the rapid review be late?",
                           what="Why the rapid review will be late",
                             widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": "Enter why the rapid review will be "
                                                         "late"})
    expected_on = GdsDateField(label="When do you now expect to submit it?",
                               what="the date you expect to submit it")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("reason", label_size=Size.SMALL),
                                 Field("expected_on", legend_size=Size.SMALL),
                                 submit="Prepare the notice")


class NoticeSentForm(forms.Form):
    sent_on = GdsDateField(label="When was the notice sent to the Panel?",
                           what="the date the notice was sent")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("sent_on", legend_size=Size.SMALL),
                                 submit="Record as sent")
