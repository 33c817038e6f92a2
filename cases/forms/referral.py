"""Forms for the agency's referral: one per section of the referral form (seed 002 Appendix A).

The services enforce the business rules (dates in order, not in the future, NHS number);
these forms check what a person can get wrong while typing and say how to put it right.
"""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fixed, Fluid, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html

from accounts.fields import NARRATIVE_MAX_LENGTH, NOTE_MAX_LENGTH, LongTextField
from accounts.forms import GdsDateField, gds_helper

from ..models import (
    INCIDENT_CHARACTERISTICS,
    Gender,
    Incident,
    LegalStatus,
    ProtectionCategory,
    Referral,
    Relationship,
)
from ..validators import validate_nhs_number

SAVE = "Save and continue"
RADIOS = "cases/referral/layout/radios.html"
CHECKBOXES = "cases/referral/layout/checkboxes.html"
YES_NO = [("yes", "Yes"), ("no", "No")]
START_ARROW = ('<svg class="govuk-button__start-icon" xmlns="http://www.w3.org/2000/svg" '
               'width="17.5" height="19" viewBox="0 0 33 40" aria-hidden="true" '
               'focusable="false"><path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z"/>'
               '</svg>')


def _radios(name: str, **kwargs) -> Field:
    """Radios whose first input carries the field's id, so error summary links land on it."""
    return Field.radios(name, template=RADIOS, **kwargs)


def _yes_no(label: str, required_message: str, **kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=lambda value: value == "yes",
        widget=forms.RadioSelect, error_messages={"required": required_message}, **kwargs)


def _yes_no_initial(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _not_future(form: forms.Form, name: str, what: str) -> None:
    value = form.cleaned_data.get(name)
    if value and value > timezone.localdate():
        form.add_error(name, f"{what} must be today or in the past")


def _clean_nhs_number(value: str) -> str:
    value = value.strip()
    if value:
        validate_nhs_number(value)
    return value.replace(" ", "")


class StartReferralForm(forms.Form):
    """Empty for someone who acts for one agency; otherwise asks which agency refers."""

    agency = forms.ModelChoiceField(
        label="Which agency are you referring for?", queryset=None, widget=forms.RadioSelect,
        empty_label=None, error_messages={"required": "Select the agency you are referring for",
                                          "invalid_choice": "Select one of your agencies"})

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = list(agencies)
        if len(self.agencies) > 1:
            self.fields["agency"].queryset = agencies
            self.fields["agency"].label_from_instance = lambda a: a.name
            fields = [_radios("agency", legend_size="m")]
        else:
            del self.fields["agency"]
            fields = []
        self.helper = gds_helper(*fields, submit="Start now")
        button = self.helper.layout.fields[-1]
        button.field_classes += " govuk-button--start"
        button.value += START_ARROW

    def chosen_agency(self):
        return self.cleaned_data["agency"] if "agency" in self.fields else self.agencies[0]


class ChildForm(forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=200,
        error_messages={"required": "Enter the child's full name",
                        "max_length": "The child's full name must be 200 characters or fewer"})
    date_of_birth = GdsDateField(label="Date of birth", what="the child's date of birth",
                                 help_text="For example, 27 3 2019")
    date_of_death = GdsDateField(label="Date of death (optional)", required=False,
                                 what="the date the child died",
                                 help_text="Leave empty if the child has not died")
    gender = forms.ChoiceField(label="Gender", choices=Gender.choices, widget=forms.RadioSelect,
                               error_messages={"required": "Select the child's gender"})
    ethnicity = forms.CharField(label="Ethnicity (optional)", max_length=100, required=False)
    disability = forms.CharField(label="Disability (optional)", max_length=300, required=False,
                                 help_text="Leave empty if the child has no known disability")
    address = LongTextField(label="Address (optional)", required=False,
                            max_length=NOTE_MAX_LENGTH, what="The address",
                            widget=forms.Textarea(attrs={"autocomplete": "off"}))
    nhs_number = forms.CharField(
        label="NHS number (optional)", required=False, max_length=14,
        help_text="10 digits, for example 943 476 5919",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}))
    education_provision = forms.CharField(
        label="Education provision (optional)", max_length=200, required=False,
        help_text="For example, the school, nursery or college, or 'Electively home educated'")
    legal_status = forms.ChoiceField(
        label="Legal status", choices=LegalStatus.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select the child's legal status"})
    other_services = LongTextField(
        label="Other services involved (optional)", required=False,
        help_text="Name each service with the dates it was involved, for example "
                  "'CAMHS, March 2025 to June 2025'",
        max_length=NARRATIVE_MAX_LENGTH, what="Other services involved")

    MODEL_FIELDS = ["full_name", "date_of_birth", "date_of_death", "gender", "ethnicity",
                    "disability", "address", "nhs_number", "education_provision", "legal_status",
                    "other_services"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS, autocomplete="off",
                       spellcheck="false"),
            Field("date_of_birth"),
            Field("date_of_death"),
            _radios("gender", legend_size="s"),
            Field.text("ethnicity", field_width=Fluid.TWO_THIRDS),
            Field.text("disability", field_width=Fluid.FULL),
            Field.textarea("address", rows=4),
            Field.text("nhs_number", field_width=Fixed.TEN),
            Field.text("education_provision", field_width=Fluid.FULL),
            _radios("legal_status", legend_size="s"),
            Field.textarea("other_services", rows=4),
            submit=SAVE,
        )

    def clean_nhs_number(self):
        return _clean_nhs_number(self.cleaned_data["nhs_number"])

    def model_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.MODEL_FIELDS}
        if fields["legal_status"] != LegalStatus.CHILD_PROTECTION_PLAN:
            # The plan's details (asked on the next page) no longer apply.
            fields.update(protection_plan_start=None, protection_plan_category="")
        return fields

    @classmethod
    def initial_from(cls, child) -> dict:
        return {name: getattr(child, name) for name in cls.MODEL_FIELDS}


class ProtectionPlanForm(forms.Form):
    """The follow-up question when the child has a child protection plan."""

    protection_plan_start = GdsDateField(label="When did the plan start?",
                                         what="the date the child protection plan started",
                                         help_text="For example, 1 6 2026. A plan made before "
                                                   "the child was born started on that date")
    protection_plan_category = forms.ChoiceField(
        label="What is the category of the plan?", choices=ProtectionCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the category of the child protection plan"})

    MODEL_FIELDS = ["protection_plan_start", "protection_plan_category"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("protection_plan_start",
                                       context={"legend_size": Size.for_legend(Size.MEDIUM)}),
                                 _radios("protection_plan_category", legend_size="m"),
                                 submit=SAVE)

    def clean(self):
        cleaned = super().clean()
        _not_future(self, "protection_plan_start", "The date the plan started")
        return cleaned

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.MODEL_FIELDS}

    @classmethod
    def initial_from(cls, child) -> dict:
        return {name: getattr(child, name) or None for name in cls.MODEL_FIELDS}


class PersonForm(forms.Form):
    relationship = forms.ChoiceField(
        label="Relationship to the child", choices=Relationship.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select the person's relationship to the child"})
    full_name = forms.CharField(
        label="Full name", max_length=200,
        error_messages={"required": "Enter the person's full name",
                        "max_length": "The person's full name must be 200 characters or fewer"})
    date_of_birth = GdsDateField(label="Date of birth (optional)", required=False,
                                 what="the person's date of birth",
                                 help_text="For example, 14 8 1990")
    address = LongTextField(label="Address (optional)", required=False,
                            max_length=NOTE_MAX_LENGTH, what="The address")
    nhs_number = forms.CharField(
        label="NHS number (optional)", required=False, max_length=14,
        help_text="10 digits, for example 943 476 5919",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}))

    MODEL_FIELDS = ["relationship", "full_name", "date_of_birth", "address", "nhs_number"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            _radios("relationship", legend_size="s"),
            Field.text("full_name", field_width=Fluid.TWO_THIRDS, autocomplete="off",
                       spellcheck="false"),
            Field("date_of_birth"),
            Field.textarea("address", rows=4),
            Field.text("nhs_number", field_width=Fixed.TEN),
            submit=SAVE,
        )

    def clean_nhs_number(self):
        return _clean_nhs_number(self.cleaned_data["nhs_number"])

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.MODEL_FIELDS}

    @classmethod
    def initial_from(cls, person) -> dict:
        return {name: getattr(person, name) for name in cls.MODEL_FIELDS}


class InvolvementForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="Agency", queryset=None, empty_label="Choose an agency",
        error_messages={"required": "Select the agency that worked with the child or family",
                        "invalid_choice": "Select an agency from the list"})
    nature = LongTextField(
        label="Nature of the involvement or intervention", widget=forms.Textarea,
        error_messages={"required": "Enter what the agency did with the child or family"},
        max_length=NARRATIVE_MAX_LENGTH, what="The nature of the involvement")
    from_date = GdsDateField(label="Involved from (optional)", required=False,
                             what="the date the involvement started",
                             help_text="For example, 1 9 2025")
    to_date = GdsDateField(label="Involved until (optional)", required=False,
                           what="the date the involvement ended",
                           help_text="Leave empty if the agency is still involved")

    MODEL_FIELDS = ["agency", "nature", "from_date", "to_date"]

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["agency"].label_from_instance = lambda a: a.name
        self.helper = gds_helper(
            Field.select("agency"),
            Field.textarea("nature", rows=5),
            Field("from_date"),
            Field("to_date"),
            submit=SAVE,
        )

    def clean(self):
        cleaned = super().clean()
        _not_future(self, "to_date", "The end date")
        start, end = cleaned.get("from_date"), cleaned.get("to_date")
        if start and end and end < start:
            self.add_error("to_date", "The end date must be the same as or after the start date")
        return cleaned

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.MODEL_FIELDS}

    @classmethod
    def initial_from(cls, involvement) -> dict:
        return {name: getattr(involvement, name) for name in cls.MODEL_FIELDS}


NO_HARM = "none"


class IncidentForm(forms.Form):
    occurred_on = GdsDateField(label="Date of the incident", what="the date of the incident",
                               help_text="For example, 20 11 2026")
    occurred_time = forms.TimeField(
        label="Time of the incident (optional)", required=False,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        help_text="Use the 24-hour clock, for example 14:30. Leave empty if not known",
        error_messages={"invalid": "Enter the time using the 24-hour clock, like 14:30"})
    place = forms.CharField(label="Where did it happen?", max_length=300,
                            help_text="For example, the family home, a hospital or a street name",
                            error_messages={"required": "Enter where the incident happened"})
    in_partnership_area = _yes_no("Did it happen in the partnership's area?",
                                  "Select yes if the incident happened in the partnership's "
                                  "area")
    description = LongTextField(
        label="What happened?", widget=forms.Textarea,
        help_text="A brief description of the event, with key dates and places, and why you "
                  "are referring it now",
        error_messages={"required": "Enter what happened"},
        max_length=NARRATIVE_MAX_LENGTH, what="What happened")
    immediate_actions = LongTextField(
        label="What has been done to keep the child and other children safe?",
        widget=forms.Textarea,
        help_text="Include the immediate actions taken for brothers, sisters and other "
                  "children in the household",
        error_messages={"required": "Enter what has been done to keep the child and other "
                                    "children safe"},
        max_length=NARRATIVE_MAX_LENGTH, what="What has been done to keep children safe")
    harm = forms.ChoiceField(
        label="Did the child die or was the child seriously harmed?", widget=forms.RadioSelect,
        choices=[(Incident.Harm.DEATH, "The child died"),
                 (Incident.Harm.SERIOUS_HARM, "The child was seriously harmed"),
                 (NO_HARM, "Neither, for example a near miss")],
        error_messages={"required": "Select whether the child died or was seriously harmed"})
    concern = forms.ChoiceField(
        label="Is abuse or neglect known or suspected?", widget=forms.RadioSelect,
        choices=Incident.Concern.choices,
        error_messages={"required": "Select whether abuse or neglect is known or suspected"})
    certainty = forms.ChoiceField(
        label="Is it known or suspected?", widget=forms.RadioSelect, required=False,
        choices=Incident.Certainty.choices)
    characteristics = forms.MultipleChoiceField(
        label="Characteristics of the incident (optional)", required=False,
        choices=INCIDENT_CHARACTERISTICS, widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply")
    characteristics_other = forms.CharField(
        label="If you selected other, describe the characteristics", max_length=300,
        required=False)
    looked_after_child_death = _yes_no(
        "Was the child looked after by a local authority, and has the child died?",
        "Select yes if a looked-after child has died",
        help_text="The local authority must also tell Ofsted and the Secretary of State")
    media_interest = _yes_no("Is there media interest in the incident?",
                             "Select yes if there is media interest in the incident")

    MODEL_FIELDS = ["occurred_on", "occurred_time", "place", "in_partnership_area",
                    "description", "immediate_actions", "harm", "concern", "certainty",
                    "characteristics", "characteristics_other", "looked_after_child_death",
                    "media_interest"]

    def __init__(self, *args, partnership=None, **kwargs):
        super().__init__(*args, **kwargs)
        if partnership is not None:
            # Hints are shown as markup (GOV.UK's templates): a name typed by people escaped.
            self.fields["in_partnership_area"].help_text = format_html(
                "The area {} covers", partnership.name)
        self.helper = gds_helper(
            Field("occurred_on"),
            Field.text("occurred_time", field_width=Fixed.FIVE),
            Field.text("place", field_width=Fluid.FULL),
            _radios("in_partnership_area", legend_size="s", inline=True),
            Field.textarea("description", rows=8),
            Field.textarea("immediate_actions", rows=5),
            _radios("harm", legend_size="s"),
            _radios("concern", legend_size="s"),
            _radios("certainty", legend_size="s", inline=True),
            Field.checkboxes("characteristics", legend_size="s", small=True, template=CHECKBOXES),
            Field.text("characteristics_other", field_width=Fluid.FULL),
            _radios("looked_after_child_death", legend_size="s", inline=True),
            _radios("media_interest", legend_size="s", inline=True),
            submit=SAVE,
        )
        self.fields["certainty"].help_text = "Answer unless neither abuse nor neglect is " \
                                             "known or suspected"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("harm") == NO_HARM:
            cleaned["harm"] = ""
        concern = cleaned.get("concern")
        if concern == Incident.Concern.NONE:
            cleaned["certainty"] = ""
        elif concern and not cleaned.get("certainty"):
            self.add_error("certainty", "Select whether the abuse or neglect is known or "
                                        "suspected")
        if "other" in cleaned.get("characteristics", []):
            if not cleaned.get("characteristics_other", "").strip():
                self.add_error("characteristics_other", "Describe the other characteristics")
        elif "characteristics" in cleaned:
            cleaned["characteristics_other"] = ""
        return cleaned

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.MODEL_FIELDS}

    @classmethod
    def initial_from(cls, incident) -> dict:
        initial = {name: getattr(incident, name) for name in cls.MODEL_FIELDS}
        initial["harm"] = incident.harm or NO_HARM
        for name in ("in_partnership_area", "looked_after_child_death", "media_interest"):
            initial[name] = _yes_no_initial(initial[name])
        if initial["occurred_time"]:
            initial["occurred_time"] = initial["occurred_time"].strftime("%H:%M")
        return initial


class ReasonForm(forms.Form):
    request_type = forms.ChoiceField(
        label="What are you asking the partnership to do?", widget=forms.RadioSelect,
        choices=Referral.RequestType.choices,
        error_messages={"required": "Select what you are asking the partnership to do"})
    reason = LongTextField(
        label="Why do you think the case meets the criteria?", widget=forms.Textarea,
        help_text="For a serious incident: abuse or neglect is known or suspected and the child "
                  "has died or been seriously harmed. For a learning review: what professionals "
                  "could learn, including good practice",
        error_messages={"required": "Explain why you think the case meets the criteria"},
        max_length=NARRATIVE_MAX_LENGTH, what="Why the case meets the criteria")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(_radios("request_type", legend_size="m"),
                                 Field.textarea("reason", label_size="m", rows=8), submit=SAVE)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Explain why you think the case meets the criteria")
        return reason


class AuthorisationForm(forms.Form):
    lead_officer_name = forms.CharField(
        label="Name of the safeguarding lead officer who authorised the referral",
        max_length=200, error_messages={"required": "Enter the name of the safeguarding lead "
                                                    "officer who authorised the referral"})
    lead_officer_role = forms.CharField(
        label="Their role", max_length=200, help_text="For example, Named nurse for "
                                                      "safeguarding children",
        error_messages={"required": "Enter the safeguarding lead officer's role"})
    referrer_phone = forms.CharField(
        label="Your telephone number", max_length=40,
        help_text="The business unit will call you if they need to know more",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"required": "Enter a telephone number the business unit can call you "
                                    "on"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.text("lead_officer_name", field_width=Fluid.TWO_THIRDS),
                                 Field.text("lead_officer_role", field_width=Fluid.TWO_THIRDS),
                                 Field.text("referrer_phone", field_width=Fixed.TWENTY),
                                 submit=SAVE)

    def clean_lead_officer_name(self):
        name = self.cleaned_data["lead_officer_name"].strip()
        if not name:
            raise ValidationError("Enter the name of the safeguarding lead officer who "
                                  "authorised the referral")
        return name


class ConfirmForm(forms.Form):
    """Empty: a POST with a CSRF token is the confirmation (remove an item, submit)."""


class QueryAnswerForm(forms.Form):
    answer = LongTextField(label="Your answer",
                           error_messages={"required": "Enter your answer"})

    def __init__(self, *args, query, action: str, **kwargs):
        kwargs.setdefault("prefix", f"q{query.pk}")
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("answer", rows=5, label_size="s"),
                                 submit="Send answer")
        self.helper.form_action = action
        button = self.helper.layout.fields[-1]
        button.id = f"send-answer-{query.pk}"
        button.flat_attrs += f' aria-describedby="question-{query.pk}"'
