"""Forms for sharing the learning (what, how, with whom, when; done; an agency's feedback),
the business unit's words in the seven-minute briefing, and the agency's progress
spreadsheet upload."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms

from accounts.fields import LongTextField
from accounts.forms import FormTokenField, GdsDateField, RevisionField, gds_helper
from rapid_review.chronology_io import MAX_UPLOAD_BYTES

from ..models import Dissemination


def _textarea(label: str, what: str, required: str | None = None, rows: int = 3,
              help_text: str = "") -> LongTextField:
    return LongTextField(label=label, what=what, required=required is not None,
                         help_text=help_text, widget=forms.Textarea(attrs={"rows": rows}),
                         error_messages={"required": required} if required else {})


class DisseminationForm(forms.Form):
    what = _textarea("What learning is shared?", "What is shared",
                     "Enter what learning is shared", rows=3)
    method = forms.ChoiceField(label="How is it shared?", choices=Dissemination.Method.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": "Select how the learning is "
                                                           "shared"})
    audience = _textarea("Who is it shared with?", "Who it is shared with",
                         "Enter who the learning is shared with", rows=2,
                         help_text="For example, health visitors and school nurses across "
                                   "the partnership")
    planned_on = GdsDateField(label="When is it planned?", what="the date it is planned for",
                              help_text="For example, 14 9 2026")
    form_token = FormTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("what", label_size=Size.SMALL),
                                 Field.radios("method", legend_size=Size.SMALL),
                                 Field.textarea("audience", label_size=Size.SMALL),
                                 Field("planned_on", legend_size=Size.SMALL),
                                 Field("form_token"), submit="Add")


class DisseminationDoneForm(forms.Form):
    done_on = GdsDateField(label="When was it shared?",
                           what="the date the learning was shared")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("done_on", legend_size=Size.SMALL),
                                 submit="Record that it was shared")


class FeedbackForm(forms.Form):
    """For the lead's own agency (an agency user acts for one agency in a partnership)."""

    text = _textarea("How did the learning land in your agency?", "The feedback",
                     "Enter how the learning landed in your agency", rows=5,
                     help_text="What practitioners made of it, and what has changed since")
    form_token = FormTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("text", label_size=Size.SMALL),
                                 Field("form_token"), submit="Send feedback")


class BriefingForm(forms.Form):
    background = _textarea("1. Background (optional)", "The background", rows=4,
                           help_text="Why the partnership reviewed the case, in general "
                                     "terms. Left empty, the briefing says it in its own words")
    why_it_matters = _textarea("2. Why it matters (optional)", "Why it matters", rows=4)
    questions = _textarea("6. Questions for practitioners (optional)", "The questions",
                          rows=5, help_text="One question a line")
    further_information = _textarea("7. Further information (optional)",
                                    "The further information", rows=3,
                                    help_text="Who to contact, and where to read more")
    revision = RevisionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(*[Field.textarea(name, label_size=Size.SMALL) for name in (
            "background", "why_it_matters", "questions", "further_information")],
            Field("revision"), submit="Save the briefing")


class ProgressUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload your agency's progress spreadsheet",
        help_text="The spreadsheet downloaded from this page, as XLSX (or CSV), up to 5 MB",
        error_messages={"required": "Select a spreadsheet to upload",
                        "empty": "The selected file is empty"})
    form_token = FormTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("file", field_width=Fluid.FULL), Field("form_token"),
                                 submit="Upload spreadsheet")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 5 MB")
        return upload
