"""A parallel process, and revising the 6 month target."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms

from accounts.fields import NOTE_MAX_LENGTH, LongTextField
from accounts.forms import FormTokenField, GdsDateField, gds_helper

from ..models import ParallelProcess


class ParallelProcessForm(forms.Form):
    kind = forms.ChoiceField(label="What is the process?", choices=ParallelProcess.Kind.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Select the kind of process"})
    status = forms.ChoiceField(label="What is its status?",
                               choices=ParallelProcess.Status.choices, widget=forms.RadioSelect,
                               error_messages={"required": "Select the process's status"})
    lead = forms.CharField(label="Who leads it?", max_length=NOTE_MAX_LENGTH,
                           help_text="For example, the senior investigating officer, or the "
                                     "coroner's officer",
                           error_messages={"required": "Enter who leads the process"})
    contact = LongTextField(
        label="How does the review keep in contact with it?", what="The contact",
        help_text="Contact with the coroner must go through the legal adviser. For a criminal "
                  "investigation, contact the senior investigating officer before any "
                  "interview with family members, practitioners or managers",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter how the review keeps in contact with the process"})
    contacted_on = GdsDateField(label="When was its lead last contacted? (optional)",
                                required=False, what="the date of the last contact",
                                help_text="For example, 27 3 2027")
    effect_on_timetable = LongTextField(
        label="What is its effect on the review's timetable? (optional)", required=False,
        what="The effect on the timetable", widget=forms.Textarea(attrs={"rows": 3}))
    form_token = FormTokenField()

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [Field.radios("kind", legend_size=Size.MEDIUM)]
        if editing:
            del self.fields["kind"], self.fields["form_token"]
            fields = []
        else:
            fields.append(Field("form_token"))
        self.helper = gds_helper(
            *fields, Field.radios("status", legend_size=Size.MEDIUM),
            Field.text("lead", label_size=Size.SMALL),
            Field.textarea("contact", label_size=Size.SMALL),
            Field("contacted_on", legend_size=Size.SMALL),
            Field.textarea("effect_on_timetable", label_size=Size.SMALL),
            submit="Save the process" if editing else "Add the process")


class TargetRevisionForm(forms.Form):
    revised_on = GdsDateField(label="What is the revised target date?",
                              what="the revised target date",
                              help_text="If it is not a working day, the working day before")
    reason = LongTextField(label="Why is the target date being revised?", what="The reason",
                           widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": "Enter the reason for revising the "
                                                       "target date"})
    parallel_process = forms.ChoiceField(label="Is it because of a parallel process?",
                                         required=False, widget=forms.RadioSelect)
    form_token = FormTokenField()

    def __init__(self, *args, processes, **kwargs):
        super().__init__(*args, **kwargs)
        self.processes = {str(p.pk): p for p in processes}
        self.fields["parallel_process"].choices = [
            *[(str(p.pk), f"{p.get_kind_display()} ({p.lead})") for p in processes],
            ("", "No, or not only")]
        self.fields["parallel_process"].initial = ""
        fields = [Field("revised_on", legend_size=Size.MEDIUM),
                  Field.textarea("reason", label_size=Size.MEDIUM)]
        if processes:
            fields.append(Field.radios("parallel_process", legend_size=Size.MEDIUM))
        else:
            del self.fields["parallel_process"]
        self.helper = gds_helper(*fields, Field("form_token"),
                                 submit="Revise the target date")

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        values["parallel_process"] = self.processes.get(values.get("parallel_process") or "")
        return values
