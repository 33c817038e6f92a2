"""Forms for the rapid review report: one heading's text, the assessment against the
criteria, the decision, and a learning point or initial action. The services say what is
missing (their errors are keyed by these forms' field names), so the forms only collect."""

from __future__ import annotations

from crispy_forms_gds.layout import HTML, Field, Size
from django import forms
from django.utils.html import escape

from accounts.fields import SECTION_MAX_LENGTH, LongTextField
from accounts.forms import FormTokenField, GdsDateField, RevisionField, gds_helper

from ..models import LearningItem, ReviewReport
from ..report import MET_CHOICES, assessment_groups
from ..selectors.meetings import MeetingSummary

YES_NO = [("yes", "Yes"), ("no", "No")]
# Just above the button of every form that edits the report: what saving does to a version
# out for signature (the view puts ``out_for_signature`` in the page's context).
VOID_WARNING = HTML('{% include "rapid_review/report/_void_warning.html" %}')


def _hidden(text: str) -> str:
    return f'<span class="govuk-visually-hidden">{escape(text)}</span>'


class SectionForm(forms.Form):
    text = LongTextField(required=False, widget=forms.Textarea(attrs={"rows": 15}),
                         max_length=SECTION_MAX_LENGTH, what="The section")
    revision = RevisionField()

    def __init__(self, *args, heading: str, guidance: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = heading
        self.fields["text"].error_messages["max_length"] = (
            f"{heading} must be {SECTION_MAX_LENGTH:,} characters or fewer")
        self.fields["text"].help_text = guidance
        self.helper = gds_helper(Field.textarea("text", label_size=Size.LARGE, label_tag="h1"),
                                 Field("revision"), VOID_WARNING,
                                 submit="Save and return to the report")


class AssessmentForm(forms.Form):
    """For each criterion: met (yes / no / not known) and the evidence; then whether the
    case may be complex or of national importance."""

    may_be_complex_or_national = forms.ChoiceField(
        label="May the case be complex or of national importance?", choices=YES_NO,
        required=False, widget=forms.RadioSelect)
    complex_or_national_reason = LongTextField(
        label="If yes, why?", required=False, what="Why the case may be complex or national",
        widget=forms.Textarea(attrs={"rows": 4}))
    revision = RevisionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        layout = []
        for group, criteria in assessment_groups():
            layout.append(HTML(f'<h2 class="govuk-heading-m">{escape(group)}</h2>'))
            for code, label in criteria:
                self.fields[f"{code}_met"] = forms.ChoiceField(
                    label=label, choices=MET_CHOICES, required=False, widget=forms.RadioSelect)
                self.fields[f"{code}_evidence"] = LongTextField(
                    label=f"Evidence{_hidden(': ' + label)} (needed if yes)",
                    what="The evidence",
                    required=False, widget=forms.Textarea(attrs={"rows": 3}))
                layout += [Field.radios(f"{code}_met", legend_size=Size.SMALL, inline=True),
                           Field.textarea(f"{code}_evidence", label_size=Size.SMALL)]
        layout += [HTML('<h2 class="govuk-heading-m">Complex or of national importance</h2>'),
                   Field.radios("may_be_complex_or_national", legend_size=Size.SMALL,
                                inline=True),
                   Field.textarea("complex_or_national_reason", label_size=Size.SMALL),
                   Field("revision"), VOID_WARNING]
        self.helper = gds_helper(*layout, submit="Save the assessment")

    @classmethod
    def initial_from(cls, report: ReviewReport) -> dict:
        initial = {}
        for code, answer in report.criteria.items():
            initial[f"{code}_met"] = answer.get("met", "")
            initial[f"{code}_evidence"] = answer.get("evidence", "")
        if report.may_be_complex_or_national is not None:
            initial["may_be_complex_or_national"] = \
                "yes" if report.may_be_complex_or_national else "no"
        initial["complex_or_national_reason"] = report.complex_or_national_reason
        initial["revision"] = report.revision
        return initial

    def service_values(self) -> dict:
        data = self.cleaned_data
        criteria = {code: {"met": data.get(f"{code}_met") or "",
                           "evidence": data.get(f"{code}_evidence") or ""}
                    for _group, rows in assessment_groups() for code, _label in rows}
        answer = data.get("may_be_complex_or_national")
        return {"criteria": criteria,
                "may_be_complex_or_national": {"yes": True, "no": False}.get(answer),
                "reason": data.get("complex_or_national_reason") or "",
                "revision": data.get("revision")}


def _meeting_label(summary: MeetingSummary) -> str:
    when = f"{summary.meeting.held_on:%-d %B %Y}"
    if summary.is_quorate:
        return f"{when} (quorate)"
    return f"{when} (not quorate: no representative of {', '.join(summary.missing_partners)})"


class DecisionForm(forms.Form):
    meeting = forms.TypedChoiceField(label="At which meeting was the decision made?",
                                     coerce=int, required=False, widget=forms.RadioSelect)
    decision = forms.ChoiceField(label="What did the review group decide?",
                                 choices=ReviewReport.Decision.choices, required=False,
                                 widget=forms.RadioSelect)
    key_lines_of_enquiry = LongTextField(
        what="The key lines of enquiry",
        label="For a local review: the key lines of enquiry", required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The questions the local child safeguarding practice review should answer")
    no_further_learning_reason = LongTextField(
        what="Why no further learning is expected",
        label="For no further review: why is no further learning expected?", required=False,
        widget=forms.Textarea(attrs={"rows": 5}))
    dissemination = LongTextField(
        what="How the learning will be disseminated",
        label="For no further review: how will the learning already found be disseminated?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For example, through an action plan monitored by the review group")
    revision = RevisionField()

    def __init__(self, *args, meetings: list[MeetingSummary], **kwargs):
        super().__init__(*args, **kwargs)
        self.meetings = {s.meeting.pk: s.meeting for s in meetings}
        self.fields["meeting"].choices = [(s.meeting.pk, _meeting_label(s)) for s in meetings]
        self.fields["meeting"].help_text = ("Only a meeting confirmed as held can be chosen, "
                                            "and only a quorate one can record the decision")
        # The follow-up questions are shown, not conditionally revealed: GOV.UK Frontend's
        # reveal puts aria-expanded on radios, which axe fails (alphagov/govuk-frontend#979).
        self.helper = gds_helper(
            Field.radios("meeting", legend_size=Size.MEDIUM),
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("key_lines_of_enquiry", label_size=Size.SMALL),
            Field.textarea("no_further_learning_reason", label_size=Size.SMALL),
            Field.textarea("dissemination", label_size=Size.SMALL),
            Field("revision"), VOID_WARNING, submit="Record the decision")

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {"decision": data.get("decision") or "",
                "meeting": self.meetings.get(data.get("meeting")),
                "key_lines_of_enquiry": data.get("key_lines_of_enquiry") or "",
                "no_further_learning_reason": data.get("no_further_learning_reason") or "",
                "dissemination": data.get("dissemination") or "",
                "revision": data.get("revision")}


class LearningItemForm(forms.Form):
    kind = forms.ChoiceField(label="Is this a learning point or an initial action?",
                             choices=LearningItem.Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select whether this is a learning "
                                                         "point or an initial action"})
    text = LongTextField(label="What is it?", widget=forms.Textarea(attrs={"rows": 5}),
                         what="The learning point or action",
                           error_messages={"required": "Enter the learning point or action"})
    owner = forms.CharField(label="Who leads it? (optional)", required=False, max_length=200)
    agency = forms.ModelChoiceField(label="Agency (optional)", required=False, queryset=None,
                                    empty_label="No agency")
    due_on = GdsDateField(label="When is it due? (optional)", required=False,
                          what="the date it is due", help_text="For example, 27 3 2027")
    form_token = FormTokenField()

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.helper = gds_helper(
            Field.radios("kind", legend_size=Size.LARGE, legend_tag="h1"),
            Field.textarea("text", label_size=Size.SMALL),
            Field.text("owner", label_size=Size.SMALL),
            Field.select("agency", label_size=Size.SMALL),
            Field("due_on", legend_size=Size.SMALL),
            Field("form_token"), VOID_WARNING, submit="Add")
