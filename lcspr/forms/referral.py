"""Referring the case back to the Panel for a national review, and the Panel's reply."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms

from accounts.fields import LongTextField
from accounts.forms import FormTokenField, GdsDateField, gds_helper

from ..models import NATIONAL_GROUNDS, Lcspr, NationalReferral

YES_NO = [("yes", "Yes"), ("no", "No")]


class NationalReferralForm(forms.Form):
    referred_on = GdsDateField(label="When was it decided to refer the case to the Panel?",
                               what="the date the referral was decided",
                               help_text="For example, 27 3 2027")
    decided_by = forms.ChoiceField(
        label="Who decided?", choices=Lcspr.DecidedBy.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select who decided to refer the case to the Panel"})
    new_information = LongTextField(
        label="What is the new information?", what="The new information",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What came to light during the review, and when",
        error_messages={"required": "Enter the new information"})
    grounds = forms.MultipleChoiceField(
        label="Which criteria for a national review may it meet?", choices=NATIONAL_GROUNDS,
        widget=forms.CheckboxSelectMultiple,
        help_text="The criteria the Panel considers, and the circumstances it has regard to. "
                  "Select all that apply",
        error_messages={"required": "Select the criteria for a national review the new "
                                    "information may meet"})
    form_token = FormTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("referred_on", legend_size=Size.MEDIUM),
                                 Field.radios("decided_by", legend_size=Size.MEDIUM),
                                 Field.textarea("new_information", label_size=Size.MEDIUM),
                                 Field.checkboxes("grounds", legend_size=Size.MEDIUM),
                                 Field("form_token"),
                                 submit="Record the referral and make the letter")


class PanelReplyForm(forms.Form):
    received_on = GdsDateField(label="When did the Panel reply?",
                               what="the date the Panel replied")
    outcome = forms.ChoiceField(label="What did the Panel say?",
                                choices=NationalReferral.Outcome.choices,
                                widget=forms.RadioSelect,
                                error_messages={"required": "Select the Panel's reply"})
    summary = LongTextField(label="Summary of the Panel's reply", what="What the Panel said",
                            widget=forms.Textarea(attrs={"rows": 5}),
                            error_messages={"required": "Enter what the Panel said"})
    lcspr_continues = forms.TypedChoiceField(
        label="Does the LCSPR go on?", choices=YES_NO, coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text="It goes on unless the Panel will carry out a national review instead",
        error_messages={"required": "Select whether the LCSPR goes on"})
    form_token = FormTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("received_on", legend_size=Size.MEDIUM),
                                 Field.radios("outcome", legend_size=Size.MEDIUM),
                                 Field.textarea("summary", label_size=Size.MEDIUM),
                                 Field.radios("lcspr_continues", legend_size=Size.MEDIUM),
                                 Field("form_token"), submit="Record the Panel's reply")
