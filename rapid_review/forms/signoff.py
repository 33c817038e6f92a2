"""Forms for the sign-off: signing the version read, disagreeing, resolving."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms

from accounts.fields import LongTextField
from accounts.forms import FormTokenField, GdsDateField, gds_helper


class SignForm(forms.Form):
    content_sha256 = forms.CharField(widget=forms.HiddenInput)
    signer_role = forms.CharField(
        label="Your role", max_length=200,
        help_text="For example, Director of Children's Services",
        error_messages={"required": "Enter your role, for example Director of Children's "
                                    "Services"})
    confirm = forms.BooleanField(
        label="I have read this version of the rapid review report and decision record, and "
              "I sign it for my organisation",
        error_messages={"required": "Confirm you have read this version before signing"})
    form_token = FormTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("content_sha256"), Field("form_token"),
            Field.text("signer_role", field_width=Fluid.TWO_THIRDS, label_size=Size.SMALL),
            Field.checkbox("confirm"), submit="Sign this version")


class DisagreeForm(forms.Form):
    content_sha256 = forms.CharField(widget=forms.HiddenInput)
    comment = LongTextField(
        label="What does your organisation disagree with?",
        what="What your organisation disagrees with",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Say which section and what should change. The business unit will answer.",
        error_messages={"required": "Enter what the partner disagrees with"})
    signer_role = forms.CharField(label="Your role (optional)", required=False, max_length=200)
    form_token = FormTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("content_sha256"), Field("form_token"),
            Field.textarea("comment", label_size=Size.MEDIUM, label_tag="h1"),
            Field.text("signer_role", field_width=Fluid.TWO_THIRDS, label_size=Size.SMALL),
            submit="Record the disagreement")


class ResolveForm(forms.Form):
    resolution = LongTextField(
        label="How was the disagreement resolved?", what="How it was resolved",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="If the report was changed, the partners sign the new version.",
        error_messages={"required": "Enter how the disagreement was resolved"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("resolution", label_size=Size.MEDIUM,
                                                label_tag="h1"),
                                 submit="Save the resolution")


class EndorsementForm(forms.Form):
    endorsed_by_name = forms.CharField(
        label="Who endorsed it?", max_length=200,
        error_messages={"required": "Enter the name of the person who endorsed it"})
    endorsed_by_role = forms.CharField(
        label="Their role", max_length=200,
        help_text="For example, Independent chair or Chair of the Assurance Executive",
        error_messages={"required": "Enter their role"})
    endorsed_on = GdsDateField(label="When did they endorse it?",
                               what="the date it was endorsed")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("endorsed_by_name", field_width=Fluid.TWO_THIRDS, label_size=Size.SMALL),
            Field.text("endorsed_by_role", field_width=Fluid.TWO_THIRDS, label_size=Size.SMALL),
            Field("endorsed_on", legend_size=Size.SMALL), submit="Record the endorsement")
