"""The overdue dashboard's filters (a GET form: a filtered view can be bookmarked and shared)
and its chase-all button."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms

from accounts.forms import FormTokenField, GdsDateField, gds_helper
from cases.models import Stage

from .overdue import Filters, GroupBy, Owner

STAGES = [(value, label) for value, label in Stage.choices
          if value not in (Stage.DRAFT, Stage.CLOSED)]


class OverdueFilterForm(forms.Form):
    group_by = forms.ChoiceField(label="Group by", required=False, choices=GroupBy.CHOICES,
                                 error_messages={"invalid_choice": "Select how to group the "
                                                                   "deadlines"})
    stage = forms.ChoiceField(label="Stage", required=False,
                              choices=[("", "Any stage")] + STAGES,
                              error_messages={"invalid_choice": "Select a stage from the list"})
    owner = forms.ChoiceField(label="Who holds it", required=False,
                              choices=[("", "Anyone")] + Owner.CHOICES,
                              error_messages={"invalid_choice": "Select who holds it from "
                                                                "the list"})
    agency = forms.TypedChoiceField(label="Agency", required=False, coerce=int,
                                    empty_value=None,
                                    error_messages={"invalid_choice": "Select an agency from "
                                                                      "the list"})
    partnership = forms.TypedChoiceField(label="Partnership", required=False, coerce=int,
                                         empty_value=None,
                                         error_messages={"invalid_choice": "Select a "
                                                         "partnership from the list"})
    due_from = GdsDateField(label="Due from", required=False, what="the first due date",
                            help_text="For example, 1 11 2026")
    due_to = GdsDateField(label="Due to", required=False, what="the last due date",
                          help_text="For example, 30 11 2026")

    def __init__(self, *args, agencies, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "Any agency")] + [(a.pk, a.name)
                                                                 for a in agencies]
        fields = [Field.select("group_by"), Field.select("stage"), Field.select("owner"),
                  Field.select("agency")]
        if len(partnerships) > 1:  # a regional service hosting several
            self.fields["partnership"].choices = [("", "Every partnership")] + [
                (p.pk, p.name) for p in partnerships]
            fields.append(Field.select("partnership"))
        else:
            del self.fields["partnership"]
        fields += [Field("due_from"), Field("due_to")]
        self.helper = gds_helper(*fields, submit="Apply filters")
        self.helper.form_method = "get"
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("due_from"), cleaned.get("due_to")
        if start and end and end < start:
            self.add_error("due_to", "The last due date must be the same as or after the "
                                     "first due date")
        return cleaned

    def filters(self) -> Filters:
        """The filters from what was valid: an invalid field filters nothing."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        data = self.cleaned_data
        return Filters(stage=data.get("stage") or "", agency=data.get("agency"),
                       owner=data.get("owner") or "", partnership=data.get("partnership"),
                       due_from=data.get("due_from"), due_to=data.get("due_to"),
                       group_by=data.get("group_by") or GroupBy.CASE)


class ChaseForm(forms.Form):
    """Chase every late return shown (one agency's, when the dashboard is filtered to it):
    the page's token makes a double click chase once."""

    form_token = FormTokenField()
    agency = forms.IntegerField(required=False, widget=forms.HiddenInput)
