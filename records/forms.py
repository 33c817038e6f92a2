"""Records management's forms: GOV.UK question pages, errors next to their fields."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fixed, Size
from django import forms

from accounts.forms import GdsDateField, gds_helper

from .models import DEFAULT_YEARS, MAX_YEARS, RecordType, RetentionDecision
from .services import REASON_MAX

# Why each default, on the page (docs/decisions/0019-records-management.md).
DEFAULT_WHY = {
    RecordType.REVIEWED_CASE:
        "A review of a child's death or serious harm may be needed decades later: by the "
        "child as an adult, the family, an inquiry or a court. Local authorities commonly keep "
        "such records for 40 years or more.",
    RecordType.NO_FURTHER_ACTION:
        "Long enough for the decision to be challenged, or for a later referral about the "
        "same child to find it.",
    RecordType.AUDIT_TRAIL:
        "As long as the records whose use it shows: a subject access request may ask who "
        "looked at a case.",
}
YEARS_ERRORS = {"required": "Enter the number of years",
                "invalid": "Enter a whole number of years",
                "min_value": f"Enter a whole number of years from 1 to {MAX_YEARS}",
                "max_value": f"Enter a whole number of years from 1 to {MAX_YEARS}"}


def _years_field(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(min_value=1, max_value=MAX_YEARS, error_messages=YEARS_ERRORS,
                              widget=forms.TextInput(attrs={"inputmode": "numeric"}), **kwargs)


class RetentionRulesForm(forms.Form):
    """One number of years per record type."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in RecordType:
            self.fields[kind.value] = _years_field(
                label=f"{kind.label}: years to keep",
                help_text=f"Default {DEFAULT_YEARS[kind]} years. {DEFAULT_WHY[kind]}")
        self.helper = gds_helper(*[Field.text(kind.value, field_width=Fixed.TWO)
                                   for kind in RecordType], submit="Save the rules")
        self.helper.label_size = Size.SMALL


class RetentionDecisionForm(forms.Form):
    """What was decided about one case, and why."""

    decision = forms.ChoiceField(
        label="What have you decided?", widget=forms.RadioSelect,
        error_messages={"required": "Select what you have decided"})
    years = _years_field(label="If you keep it: for how many more years?", required=False,
                         help_text="The case is not due for review again before then")
    reason = forms.CharField(
        label="Reason", max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, the outcome of the review, or who asked for the legal hold "
                  "and why",
        error_messages={"required": "Enter the reason",
                        "max_length": f"The reason must be {REASON_MAX} characters or fewer"})

    def __init__(self, *args, choices: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            RetentionDecision.Kind.KEEP: "Keep it for a further period",
            RetentionDecision.Kind.HOLD: "Place a legal hold (it is not reviewed while held)",
            RetentionDecision.Kind.RELEASE: "Release the legal hold",
            RetentionDecision.Kind.REVIEWED: "Mark it as reviewed (it is not flagged again)",
        }
        self.fields["decision"].choices = [(kind, labels[kind]) for kind in choices]
        self.helper = gds_helper(Field.radios("decision", legend_size="m"),
                                 Field.text("years", field_width=Fixed.TWO),
                                 Field.textarea("reason"), submit="Save the decision")
        self.helper.label_size = Size.SMALL

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == RetentionDecision.Kind.KEEP and not cleaned.get("years") \
                and "years" not in self.errors:
            self.add_error("years", "Enter for how many more years to keep it")
        return cleaned


class SubjectSearchForm(forms.Form):
    """Posted, never put in the address: a name must not reach a URL or a log."""

    name = forms.CharField(label="Name", max_length=200,
                           help_text="Their full name or part of it, as the request gives it",
                           error_messages={"required": "Enter the name of the person",
                                           "max_length": "The name must be 200 characters "
                                                         "or fewer"})
    date_of_birth = GdsDateField(label="Date of birth (optional)", required=False,
                                 what="the date of birth", help_text="For example, 4 3 2019")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.text("name", field_width=Fixed.TWENTY),
                                 Field("date_of_birth"), submit="Search")
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if len(name.replace(" ", "")) < 2:
            raise forms.ValidationError("Enter at least 2 letters of the name")
        return name
