"""Forms for chronologies: one entry (a question page), the spreadsheet upload, and the
master chronology's filters. The services check the rules; these check typing."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone

from accounts.fields import LongTextField
from accounts.forms import FormTokenField, GdsDateField, gds_helper

from ..chronology_io import MAX_UPLOAD_BYTES, REQUIRED

RADIOS = "cases/referral/layout/radios.html"


def _required(message_key: str) -> dict:
    message = REQUIRED[message_key]
    return {"required": message[0].upper() + message[1:]}


class ChronologyEntryForm(forms.Form):
    date = GdsDateField(label="Date of the event", what="the date of the event",
                        help_text="For example, 27 3 2026")
    source = forms.CharField(label="Source of information (optional)", required=False,
                             max_length=200,
                             help_text="For example, case notes or a GP record")
    agency_department = forms.CharField(label="Agency or department", max_length=200,
                                        error_messages=_required("agency_department"))
    subjects = forms.CharField(label="Subject(s)", max_length=300,
                               help_text="Who the event was about",
                               error_messages=_required("subjects"))
    contact_type = forms.CharField(label="Type of contact", max_length=200,
                                   help_text="For example, home visit or phone call",
                                   error_messages=_required("contact_type"))
    by_whom = forms.CharField(label="By whom (optional)", required=False, max_length=200,
                              help_text="The role of the practitioner, not their name")
    details = LongTextField(label="Details of the event", widget=forms.Textarea(
        attrs={"rows": 6}), error_messages=_required("details"))
    comments = LongTextField(label="Comments or analysis of the outcome (optional)",
                             what="The comments or analysis",
                             required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, submit: str = "Save entry", **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("agency_department", "subjects", "contact_type"):
            self.fields[name].error_messages["max_length"] = (
                f"{self.fields[name].label} must be {self.fields[name].max_length} "
                "characters or fewer")
        self.helper = gds_helper(
            Field("date", legend_size=Size.SMALL),
            Field.text("source", label_size=Size.SMALL),
            Field.text("agency_department", label_size=Size.SMALL),
            Field.text("subjects", label_size=Size.SMALL),
            Field.text("contact_type", label_size=Size.SMALL),
            Field.text("by_whom", label_size=Size.SMALL),
            Field.textarea("details", label_size=Size.SMALL),
            Field.textarea("comments", label_size=Size.SMALL), submit=submit)

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date of the event must be today or in the past")
        return value


class ChronologyUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a chronology spreadsheet",
        help_text="XLSX or CSV (UTF-8) with the template's header row, up to 5 MB and "
                  "5,000 rows",
        error_messages={"required": "Select a spreadsheet to upload",
                        "empty": "The selected file is empty"})
    mode = forms.ChoiceField(
        label="What should happen to the entries already in the chronology?",
        choices=[("add", "Add the spreadsheet's rows to the entries"),
                 ("replace", "Replace the entries with the spreadsheet's rows")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to add to or replace the entries"})
    # A large file is kept for the worker under this token: posted twice, it is kept once.
    form_token = FormTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("file"),
                                 Field.radios("mode", legend_size=Size.SMALL, template=RADIOS),
                                 Field("form_token"), submit="Upload spreadsheet")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 5 MB")
        return upload


class MasterFilterForm(forms.Form):
    agency = forms.TypedChoiceField(label="Agency", required=False, coerce=int,
                                    empty_value=None)
    subject = forms.CharField(label="Subject contains", required=False, max_length=100)
    date_from = GdsDateField(label="From", required=False, what="the date to show from",
                             help_text="For example, 1 1 2026")
    date_to = GdsDateField(label="To", required=False, what="the date to show up to")

    def __init__(self, *args, agencies: dict[int, str], action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "All agencies"), *agencies.items()]
        self.helper = gds_helper(
            Field.select("agency", label_size=Size.SMALL),
            Field.text("subject", label_size=Size.SMALL),
            Field("date_from", legend_size=Size.SMALL),
            Field("date_to", legend_size=Size.SMALL), submit="Apply filters")
        # Posted, never in the address: the subject is a person's name (the view keeps the
        # filters in the session, accounts/saved_filters.py).
        self.helper.form_method = "post"
        self.helper.form_action = action

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The date to show up to must be the same as or after "
                                      "the date to show from")
        return cleaned
