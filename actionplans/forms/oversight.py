"""Forms for the group's reviews, scrutiny audits and the board's sign-off."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms

from accounts.fields import LongTextField
from accounts.forms import FormTokenField, GdsDateField, RevisionField, gds_helper


class PlanReviewForm(forms.Form):
    met_on = GdsDateField(label="When did the group meet?", what="the date the group met")
    decisions = LongTextField(label="What did the group decide?", what="What the group decided",
                              widget=forms.Textarea(attrs={"rows": 5}),
                              error_messages={"required": "Enter what the group decided"})
    plan_agreed = forms.BooleanField(label="The group agreed the plan", required=False)
    form_token = FormTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("met_on", legend_size=Size.SMALL),
                                 Field.textarea("decisions", label_size=Size.SMALL),
                                 Field.checkbox("plan_agreed"), Field("form_token"),
                                 submit="Record the review")


class GroupNameForm(forms.Form):
    group_name = forms.CharField(
        label="Which group monitors the plan?", max_length=200,
        help_text="The name the partnership gives it, for example the Practice Review Group. "
                  "Reviews already recorded keep the name they were held under",
        error_messages={"required": "Enter the name of the group that monitors the plan",
                        "max_length": "The group's name must be 200 characters or fewer"})
    revision = RevisionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.text("group_name", field_width=Fluid.TWO_THIRDS,
                                            label_size=Size.SMALL),
                                 Field("revision"), submit="Save the name")


class ScrutinyAuditForm(forms.Form):
    actions = forms.MultipleChoiceField(label="Which actions will be audited?",
                                        widget=forms.CheckboxSelectMultiple,
                                        error_messages={"required": "Select the actions to "
                                                                    "audit"})
    auditor = forms.CharField(label="Who will carry out the audit?", max_length=200,
                              help_text="The independent scrutiny officer",
                              error_messages={"required": "Enter who will carry out the "
                                                          "audit"})
    due_on = GdsDateField(label="When is it due?", what="the date the audit is due")
    form_token = FormTokenField()

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].choices = choices
        self.helper = gds_helper(Field.checkboxes("actions", legend_size=Size.SMALL),
                                 Field.text("auditor", field_width=Fluid.TWO_THIRDS,
                                            label_size=Size.SMALL),
                                 Field("due_on", legend_size=Size.SMALL), Field("form_token"),
                                 submit="Ask for the audit")


class AuditFindingsForm(forms.Form):
    completed_on = GdsDateField(label="When was it completed?",
                                what="the date the audit was completed")
    findings = LongTextField(label="What did it find?", what="The findings",
                             widget=forms.Textarea(attrs={"rows": 5}),
                             error_messages={"required": "Enter what the audit found"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("completed_on", legend_size=Size.SMALL),
                                 Field.textarea("findings", label_size=Size.SMALL),
                                 submit="Record the findings")


class SignOffForm(forms.Form):
    signed_off_on = GdsDateField(label="When did the board sign the plan off?",
                                 what="the date the board signed the plan off")
    board_name = forms.CharField(label="Which board?", max_length=200,
                                 initial="Safeguarding Children Partnership Board",
                                 error_messages={"required": "Enter the board that signed the "
                                                             "plan off"})
    note = LongTextField(label="Anything the board added (optional)", required=False,
                         what="The note", widget=forms.Textarea(attrs={"rows": 3}))
    read_sha256 = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("signed_off_on", legend_size=Size.SMALL),
                                 Field.text("board_name", field_width=Fluid.TWO_THIRDS,
                                            label_size=Size.SMALL),
                                 Field.textarea("note", label_size=Size.SMALL),
                                 Field("read_sha256"), submit="Record the sign-off")
