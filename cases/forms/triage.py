"""Forms for the business unit's side of referrals: questions, triage decisions, challenges."""

from __future__ import annotations

from crispy_forms_gds.layout import HTML, Field, Size
from django import forms
from django.utils import timezone
from django.utils.text import slugify

from accounts.fields import LongTextField
from accounts.forms import GdsDateField, gds_helper

from ..models import TRIAGE_CRITERIA, Challenge, TriageDecision

# One checkbox group per heading of TRIAGE_CRITERIA, in the order the list gives them.
CRITERIA_GROUPS: list[tuple[str, str, list[tuple[str, str]]]] = []
for _code, _group, _label in TRIAGE_CRITERIA:
    if not CRITERIA_GROUPS or CRITERIA_GROUPS[-1][1] != _group:
        CRITERIA_GROUPS.append(("criteria_" + slugify(_group).replace("-", "_"), _group, []))
    CRITERIA_GROUPS[-1][2].append((_code, _label))
CRITERIA_LEGENDS = {
    "Definition": "Definition of a serious child safeguarding case",
    "LCSPR criteria": "LCSPR criteria",
    "Circumstances": "Circumstances the partners should have regard to",
    "Learning review criteria": "Learning review criteria",
}


def _not_future(value, message: str):
    if value and value > timezone.localdate():
        raise forms.ValidationError(message)
    return value


def _textarea(label: str, required_message: str, *, help_text: str = "", rows: int = 5,
              required: bool = True) -> forms.CharField:
    return LongTextField(label=label, help_text=help_text, required=required,
                         widget=forms.Textarea(attrs={"rows": rows}),
                         error_messages={"required": required_message})


class ReferralQueryForm(forms.Form):
    question = _textarea(
        "What do you need to know?", "Enter what you need to know",
        help_text="The referrer gets an email asking them to answer in this service. "
                  "The case waits in 'More information requested' until they answer.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("question", label_size=Size.MEDIUM, rows=6),
                                 submit="Send question")


class TakeToTriageForm(forms.Form):
    """Empty: a POST with a CSRF token is the request."""


class TriageDecisionForm(forms.Form):
    meeting_date = GdsDateField(label="Date of the triage meeting",
                                what="the date of the triage meeting",
                                help_text="For example, 27 11 2026")
    attendees = _textarea("Who attended?", "Enter who attended the meeting",
                          help_text="One person a line, with their role and agency", rows=4)
    attending_agencies = forms.ModelMultipleChoiceField(
        label="Which agencies were represented?", required=False, queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select agencies from the list",
                        "invalid_pk_value": "Select agencies from the list"})
    decision = forms.ChoiceField(label="What did the group decide?",
                                 choices=TriageDecision.Decision.choices,
                                 widget=forms.RadioSelect,
                                 error_messages={"required": "Select the decision",
                                                 "invalid_choice": "Select the decision"})
    rationale = _textarea("Reasons for the decision", "Explain the reasons for the decision",
                          help_text="Refer to the criteria and to the guidance the group "
                                    "considered", rows=6)
    media_monitoring = forms.BooleanField(
        label="Monitor media interest in this case", required=False,
        help_text="Media-interest monitoring can run alongside any decision")

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attending_agencies"].queryset = partnership.agencies.order_by("name")
        criteria = []
        for name, group, choices in CRITERIA_GROUPS:
            self.fields[name] = forms.MultipleChoiceField(
                label=CRITERIA_LEGENDS.get(group, group), choices=choices, required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": "Select criteria from the list"})
            criteria.append(Field.checkboxes(name, legend_size=Size.SMALL, small=True))
        if partnership.triage_needs_executive_approval:
            self.fields["decision"].label = "What does the group recommend?"
            self.fields["rationale"].label = "Reasons for the recommendation"
        self.helper = gds_helper(
            Field("meeting_date"),
            Field.textarea("attendees", rows=4),
            Field.checkboxes("attending_agencies", small=True),
            HTML('<h2 class="govuk-heading-m">Which criteria are met?</h2>'
                 '<p class="govuk-body">Select all that apply.</p>'),
            *criteria,
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("rationale", label_size=Size.SMALL, rows=6),
            Field.checkbox("media_monitoring"),
            submit="Save recommendation" if partnership.triage_needs_executive_approval
            else "Save decision",
        )

    def criteria_met(self) -> list[str]:
        return [code for name, _group, _choices in CRITERIA_GROUPS
                for code in self.cleaned_data.get(name, [])]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"meeting_date": data["meeting_date"], "attendees": data["attendees"],
                "attending_agencies": list(data["attending_agencies"]),
                "criteria_met": self.criteria_met(), "decision": data["decision"],
                "rationale": data["rationale"], "media_monitoring": data["media_monitoring"]}


class ExecutiveResponseForm(forms.Form):
    response = forms.ChoiceField(
        label="Does the executive agree with the recommendation?",
        choices=[(TriageDecision.ExecutiveResponse.AGREE,
                  "Yes, it agrees: the recommendation takes effect"),
                 (TriageDecision.ExecutiveResponse.DISAGREE,
                  "No, it does not agree: the review group decides again")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the executive agrees",
                        "invalid_choice": "Select whether the executive agrees"})
    rationale = _textarea("The executive's response and reasons", "Enter the executive's reasons",
                          rows=6)
    meeting_date = GdsDateField(label="Date of the executive's meeting",
                                what="the date of the executive's meeting",
                                help_text="For example, 27 11 2026")
    attendees = _textarea("Who attended?", "Enter who attended the executive's meeting",
                          help_text="One person a line, with their role", rows=4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("response", legend_size=Size.MEDIUM),
            Field.textarea("rationale", label_size=Size.SMALL, rows=6),
            Field("meeting_date"),
            Field.textarea("attendees", rows=4),
            submit="Save the executive's response")

    def clean_meeting_date(self):
        return _not_future(self.cleaned_data.get("meeting_date"),
                           "The date of the executive's meeting must be today or in the past")


class ChallengeForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="Which agency disagrees with the decision?", queryset=None,
        empty_label="Select an agency",
        error_messages={"required": "Select the agency that disagrees",
                        "invalid_choice": "Select an agency from the list"})
    raised_on = GdsDateField(label="When did the agency raise it?",
                             what="the date the agency raised it",
                             help_text="For example, 27 11 2026")
    grounds = _textarea("Why does the agency disagree?", "Enter why the agency disagrees",
                        rows=6)

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = partnership.agencies.order_by("name")
        self.helper = gds_helper(Field.select("agency"), Field("raised_on"),
                                 Field.textarea("grounds", rows=6),
                                 submit="Record the challenge")

    def clean_raised_on(self):
        return _not_future(self.cleaned_data.get("raised_on"),
                           "The date the agency raised it must be today or in the past")


class ChallengeResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What is the outcome of the challenge?",
        choices=[c for c in Challenge.Outcome.choices if c[0] != Challenge.Outcome.PENDING],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the challenge",
                        "invalid_choice": "Select the outcome of the challenge"})
    notes = _textarea("Reasons for the outcome", "Enter the reasons for the outcome", rows=6)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.radios("outcome", legend_size=Size.MEDIUM),
                                 Field.textarea("notes", label_size=Size.SMALL, rows=6),
                                 submit="Save the outcome")
