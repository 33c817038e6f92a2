"""Appointing the reviewer and recording the letter's sending."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from accounts.forms import GdsDateField, gds_helper

from ..models import SKILLS, ReviewerLetterDispatch
from ..services.reviewer import INDEPENDENCE


class ReviewerForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200,
                           error_messages={"required": "Enter the reviewer's name"})
    email = forms.EmailField(label="Email address", help_text="They will be invited to sign "
                             "in and will see this review only",
                             error_messages={"required": "Enter the reviewer's email address",
                                             "invalid": "Enter an email address in the "
                                                        "correct format, like "
                                                        "name@example.com"})
    organisation = forms.CharField(label="Organisation", max_length=200,
                                   error_messages={"required": "Enter the reviewer's "
                                                               "organisation"})
    no_line_management = forms.BooleanField(
        label="They have no line management responsibility for anyone in the agencies "
              "involved in the case",
        error_messages={"required": INDEPENDENCE["no_line_management"]})
    no_involvement = forms.BooleanField(
        label="They have had no involvement with the agencies' work with the child or family",
        error_messages={"required": INDEPENDENCE["no_involvement"]})
    skills = forms.MultipleChoiceField(
        label="Which of the core skills does the reviewer have?", choices=SKILLS,
        required=False, widget=forms.CheckboxSelectMultiple,
        help_text="As a minimum, the chair or author should have these core skills")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("name"), Field.text("email"), Field.text("organisation"),
            Fieldset(Field.checkbox("no_line_management"), Field.checkbox("no_involvement"),
                     legend="Independence declaration", legend_size=Size.MEDIUM),
            Field.checkboxes("skills", legend_size=Size.MEDIUM),
            submit="Appoint the reviewer")


class DispatchForm(forms.Form):
    recipient = forms.ChoiceField(
        label="Who was the letter sent to?", choices=ReviewerLetterDispatch.Recipient.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who the letter was sent to"})
    method = forms.ChoiceField(
        label="How was it sent?", choices=ReviewerLetterDispatch.Method.choices,
        widget=forms.RadioSelect, error_messages={"required": "Select how the letter was sent"})
    sent_on = GdsDateField(label="When was it sent?", what="the date the letter was sent")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.radios("recipient", legend_size=Size.SMALL),
                                 Field.radios("method", legend_size=Size.SMALL),
                                 Field("sent_on", legend_size=Size.SMALL),
                                 submit="Record the sending")
