"""Forms for the agency's return: one question page per section (seed 003 SCSI-5, seed 004
Document 2). The services check the business rules; these check what a person can get
wrong while typing and say how to put it right."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms

from accounts.fields import SECTION_MAX_LENGTH, LongTextField
from accounts.forms import FormTokenField, GdsDateField, gds_helper
from cases.uploads import max_file_size, upload_max_size_validator

from ..services.returns import INVOLVED_WITH

SAVE = "Save and continue"
RADIOS = "cases/referral/layout/radios.html"
CHECKBOXES = "cases/referral/layout/checkboxes.html"
YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(label: str, required_message: str, **kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=lambda value: value == "yes",
        widget=forms.RadioSelect, error_messages={"required": required_message}, **kwargs)


def _text(label: str, required_message: str | None = None, **kwargs) -> forms.CharField:
    return LongTextField(
        label=label, required=required_message is not None, max_length=SECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": required_message or ""}, **kwargs)


class InvolvementForm(forms.Form):
    involved_with = forms.MultipleChoiceField(
        label="Who did your agency work with?", choices=INVOLVED_WITH,
        widget=forms.CheckboxSelectMultiple, help_text="Select all that apply",
        error_messages={"required": "Select who your agency worked with"})
    involvement_from = GdsDateField(label="When did your agency's involvement start?",
                                    what="the date involvement started",
                                    help_text="For example, 3 2 2025")
    involvement_to = GdsDateField(label="When did it end? (optional)", required=False,
                                  what="the date involvement ended",
                                  help_text="Leave empty if your agency is still involved")
    services = _text("Which services did your agency provide?",
                     "Enter the services your agency provided")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.checkboxes("involved_with", legend_size=Size.SMALL, template=CHECKBOXES),
            Field("involvement_from", legend_size=Size.SMALL),
            Field("involvement_to", legend_size=Size.SMALL),
            Field.textarea("services", label_size=Size.SMALL), submit=SAVE)


class AnswersForm(forms.Form):
    further_answers = _text("Your agency's answers to the reviewer's questions",
                            "Answer the reviewer's questions",
                            help_text="Answer each question in turn. Add any contact not "
                                      "already in your chronology to the chronology")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("further_answers", label_size=Size.SMALL),
                                 submit=SAVE)


class SummaryForm(forms.Form):
    summary = _text("Summary of your agency's involvement", "Enter the summary of involvement",
                    help_text="The basic facts: when and why your agency was involved, and "
                              "what it did")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("summary", label_size=Size.MEDIUM), submit=SAVE)


class AnalysisForm(forms.Form):
    worked_well = _text("What worked well?", "Enter what worked well")
    worried_about = _text("What are we worried about?", "Enter what you are worried about")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("worked_well", label_size=Size.SMALL),
                                 Field.textarea("worried_about", label_size=Size.SMALL),
                                 submit=SAVE)


class LearningForm(forms.Form):
    immediate_learning = _text(
        "Immediate learning (optional)",
        help_text="Learning your agency has already identified, and anything already done")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("immediate_learning", label_size=Size.MEDIUM),
                                 submit=SAVE)


class RecordsForm(forms.Form):
    records_secured = _yes_no("Has your agency secured its records for this case?",
                              "Select yes if your agency has secured its records")
    records_secured_on = GdsDateField(label="When were the records secured?", required=False,
                                      what="the date the records were secured",
                                      help_text="Only if they have been secured")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("records_secured", legend_size=Size.MEDIUM, template=RADIOS),
            Field("records_secured_on", legend_size=Size.SMALL), submit=SAVE)


class NilReturnForm(forms.Form):
    is_nil = _yes_no("Is your agency making a nil return?",
                     "Select yes if your agency is making a nil return",
                     help_text="A nil return says your agency has had no involvement to report")
    nil_reason = _text("Why is your agency making a nil return?", required_message=None,
                       help_text="Only if you answered yes. For example, no record of the "
                                 "child, family or suspected perpetrator")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nil_reason"].widget.attrs["rows"] = 3
        self.helper = gds_helper(
            Field.radios("is_nil", legend_size=Size.MEDIUM, template=RADIOS),
            Field.textarea("nil_reason", label_size=Size.SMALL), submit=SAVE)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Upload a file", help_text=f"PDF, DOCX or XLSX, up to {max_file_size()}",
        validators=[upload_max_size_validator()],
        error_messages={"required": "Select a file to upload",
                        "empty": "The selected file is empty"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("file"), submit="Upload file")


class SubmitReturnForm(forms.Form):
    authorised_by = forms.CharField(
        label="Name of the safeguarding lead officer who authorised this return",
        max_length=200,
        error_messages={"required": "Enter the name of the safeguarding lead officer who "
                                    "authorised the return"})
    form_token = FormTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("authorised_by", label_size=Size.SMALL, field_width=Fluid.TWO_THIRDS),
            Field("form_token"), submit="Submit return")
