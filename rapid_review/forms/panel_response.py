"""Forms for the Panel's response: recording it, replying to it, and moving the case on."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms

from accounts.fields import LongTextField
from accounts.forms import FormTokenField, GdsDateField, gds_helper

from ..models import PanelResponse
from ..services.panel_response import NextStep


class PanelResponseForm(forms.Form):
    received_on = GdsDateField(label="When was the Panel's response received?",
                               what="the date the Panel's response was received")
    outcome = forms.ChoiceField(label="What did the Panel say?",
                                choices=PanelResponse.Outcome.choices,
                                widget=forms.RadioSelect,
                                error_messages={"required": "Select the Panel's response"})
    summary = LongTextField(label="Summary of the Panel's response",
                              help_text="Its view and any questions, as the Panel put them",
                              widget=forms.Textarea(attrs={"rows": 6}),
                              error_messages={"required": "Enter a summary of the Panel's "
                                                          "response"})
    form_token = FormTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("received_on", legend_size=Size.SMALL),
                                 Field.radios("outcome", legend_size=Size.SMALL),
                                 Field("form_token"),
                                 Field.textarea("summary", label_size=Size.SMALL),
                                 submit="Record the response")


class PanelReplyForm(forms.Form):
    reply = LongTextField(label="The partners' reply to the Panel",
                            widget=forms.Textarea(attrs={"rows": 6}),
                            error_messages={"required": "Enter the reply to the Panel"})
    replied_on = GdsDateField(label="When was the reply sent?",
                              what="the date the reply was sent")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("reply", label_size=Size.SMALL),
                                 Field("replied_on", legend_size=Size.SMALL),
                                 submit="Record the reply")


class MoveOnForm(forms.Form):
    next_step = forms.ChoiceField(label="Where does the case go next?",
                                  choices=NextStep.CHOICES, widget=forms.RadioSelect,
                                  error_messages={"required": "Select where the case goes "
                                                              "next"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.radios("next_step", legend_size=Size.MEDIUM),
                                 submit="Move the case on")
