"""The audit trail's filters (a GET form: a filtered view can be bookmarked and shared)."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fixed, Size
from django import forms

from accounts.forms import GdsDateField, gds_helper
from accounts.models import AuditEvent

from .audit import AuditFilters


class AuditFilterForm(forms.Form):
    case = forms.CharField(label="Case reference", required=False, max_length=30,
                           error_messages={"max_length": "The case reference must be 30 "
                                                         "characters or fewer"})
    person = forms.TypedChoiceField(label="Person", required=False, coerce=int,
                                    empty_value=None,
                                    error_messages={"invalid_choice": "Select a person from "
                                                                      "the list"})
    action = forms.ChoiceField(label="What they did", required=False,
                               choices=[("", "Anything")] + list(AuditEvent.Action.choices),
                               error_messages={"invalid_choice": "Select an action from the "
                                                                 "list"})
    date_from = GdsDateField(label="From", required=False, what="the first date",
                             help_text="For example, 1 11 2026")
    date_to = GdsDateField(label="To", required=False, what="the last date",
                           help_text="For example, 30 11 2026")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Anyone")] + [(u.pk, u.full_name)
                                                             for u in people]
        self.helper = gds_helper(Field.text("case", field_width=Fixed.TEN),
                                 Field.select("person"), Field.select("action"),
                                 Field("date_from"), Field("date_to"),
                                 submit="Apply filters")
        self.helper.form_method = "get"
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The last date must be the same as or after the first "
                                      "date")
        return cleaned

    def filters(self) -> AuditFilters:
        """The filters from what was valid: an invalid field filters nothing."""
        if not self.is_bound:
            return AuditFilters()
        self.is_valid()
        data = self.cleaned_data
        return AuditFilters(case=(data.get("case") or "").strip(), person=data.get("person"),
                            action=data.get("action") or "", date_from=data.get("date_from"),
                            date_to=data.get("date_to"))
