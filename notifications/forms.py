from crispy_forms_gds.layout import Field, Fieldset, Fluid, Size
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.fields import NOTE_MAX_LENGTH, LongTextField
from accounts.forms import FormTokenField, GdsDateField, gds_helper


class PanelNotificationForm(forms.Form):
    became_aware_on = GdsDateField(label="When did the local authority become aware?",
                                   what="the date the local authority became aware")
    notified_on = GdsDateField(label="When was the Panel notified?",
                               what="the date the Panel was notified")
    notified_by = forms.CharField(label="Who notified the Panel?", max_length=200,
                                  help_text="Name and role",
                                  error_messages={"required": "Enter who notified the Panel"})
    panel_reference = forms.CharField(label="Panel or Ofsted reference (optional)",
                                      max_length=60, required=False)
    children = forms.ModelMultipleChoiceField(
        label="Which children does the notification cover?", queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the children the notification covers"})
    late_reason = LongTextField(
        label="If it was more than 5 working days after becoming aware, why?", required=False,
        max_length=NOTE_MAX_LENGTH, what="Why the notification was late",
        help_text="The 5 working days count England's bank holidays only, not the "
                  "partnership's closure days",
        widget=forms.Textarea(attrs={"rows": 3}))
    resident_local_authority = forms.CharField(
        label="Local authority where the child lives, if not this one", required=False,
        max_length=200)
    resident_local_authority_contact = forms.CharField(
        label="Contact at that local authority", required=False, max_length=300)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        children = self.fields["children"]
        children.queryset = case.children.all()
        children.label_from_instance = lambda child: child.full_name
        self.helper = gds_helper(
            Field("became_aware_on"), Field("notified_on"),
            Field.text("notified_by", field_width=Fluid.TWO_THIRDS),
            Field.text("panel_reference", field_width=Fluid.ONE_THIRD),
            Field.checkboxes("children", legend_size=Size.SMALL),
            Field.textarea("late_reason"),
            Fieldset(Field.text("resident_local_authority", field_width=Fluid.TWO_THIRDS),
                     Field.text("resident_local_authority_contact",
                                field_width=Fluid.TWO_THIRDS),
                     legend="Child living in another area", legend_size=Size.MEDIUM),
            submit="Save notification")


class StopReviewForm(forms.Form):
    reason = LongTextField(
        label="Why did the partners decide the criteria are not met?",
        what="Why the criteria are not met",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the partners decided the criteria are not met"})
    panel_told_on = GdsDateField(
        label="When was the Panel told the rapid review stopped?",
        what="the date the Panel was told the rapid review stopped",
        help_text="The Panel was notified, so it must be told the review will not be "
                  "submitted, and why")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("reason", label_size=Size.MEDIUM, label_tag="h1"),
                                 Field("panel_told_on", legend_size=Size.SMALL),
                                 submit="Stop the rapid review")


class LetterSendForm(forms.Form):
    """The confirm page of sending a letter: the review group's letter may go to others too."""

    extra_recipients = forms.CharField(
        label="Other review group members to send it to (optional)", required=False,
        max_length=2_000,
        error_messages={"max_length": "Other review group members must be 2,000 characters "
                                      "or fewer: send the letter to fewer people at once"},
        help_text="Email addresses, one on each line", widget=forms.Textarea(attrs={"rows": 3}))

    form_token = FormTokenField()

    def __init__(self, *args, allow_extra: bool, button: str, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [Field("form_token")]
        if allow_extra:
            fields.append(Field.textarea("extra_recipients", label_size=Size.SMALL))
        else:
            del self.fields["extra_recipients"]
        self.helper = gds_helper(*fields, submit=button)

    def clean_extra_recipients(self) -> list[str]:
        addresses = [line.strip() for line in self.cleaned_data["extra_recipients"]
                     .replace(",", "\n").splitlines() if line.strip()]
        bad = []
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                bad.append(address)
        if bad:
            raise ValidationError(
                f"Enter email addresses in the correct format, like name@example.org "
                f"(check {', '.join(bad[:3])})")
        return addresses


class DecisionNotToNotifyForm(forms.Form):
    decided_on = GdsDateField(label="When did the local authority decide?",
                              what="the date of the decision")
    decided_by = forms.CharField(label="Who decided?", max_length=200, help_text="Name and role",
                                 error_messages={"required": "Enter who decided, with their "
                                                             "role"})
    reason = LongTextField(
        label="Why does the incident not need notifying to the Panel?",
        what="Why the incident does not need notifying",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the local authority decided not to notify "
                                    "the Panel"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("decided_on"),
                                 Field.text("decided_by", field_width=Fluid.TWO_THIRDS),
                                 Field.textarea("reason"), submit="Record the decision")


class LookedAfterDeathNoticeForm(forms.Form):
    secretary_of_state_notified_on = GdsDateField(
        label="When was the Secretary of State told?", required=False,
        what="the date the Secretary of State was told")
    ofsted_notified_on = GdsDateField(label="When was Ofsted told?", required=False,
                                      what="the date Ofsted was told")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("secretary_of_state_notified_on"),
                                 Field("ofsted_notified_on"), submit="Save")
