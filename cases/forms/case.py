"""The case list's filter form: posted, never in the address (it searches children's names);
the view keeps it in the session for the pagination (accounts/saved_filters.py)."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms
from django.urls import reverse

from accounts.forms import GdsDateField, gds_helper

from ..models import Pathway, Stage
from ..selectors import CaseFilters


class CaseFilterForm(forms.Form):
    search = forms.CharField(label="Search", required=False, max_length=200,
                             help_text="Case reference, child's name or agency",
                             error_messages={"max_length": "Search must be 200 characters "
                                                           "or fewer"})
    stage = forms.ChoiceField(
        label="Stage", required=False,
        choices=[("", "Any stage")] + [c for c in Stage.choices if c[0] != Stage.DRAFT],
        error_messages={"invalid_choice": "Select a stage from the list"})
    pathway = forms.ChoiceField(
        label="Pathway", required=False, choices=[("", "Any pathway")] + list(Pathway.choices),
        error_messages={"invalid_choice": "Select a pathway from the list"})
    referred_from = GdsDateField(label="Referred from", what="the date referred from",
                                 required=False, help_text="For example, 1 11 2026")
    referred_to = GdsDateField(label="Referred to", what="the date referred to",
                               required=False, help_text="For example, 30 11 2026")
    overdue = forms.BooleanField(label="Only cases with an overdue deadline", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("search", field_width=Fluid.TWO_THIRDS),
            Field.select("stage"),
            Field.select("pathway"),
            Field("referred_from"),
            Field("referred_to"),
            Field.checkbox("overdue", small=True),
            submit="Apply filters",
        )
        self.helper.form_method = "post"
        self.helper.form_action = reverse("cases:case-list")
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("referred_from"), cleaned.get("referred_to")
        if start and end and end < start:
            self.add_error("referred_to", "The date referred to must be the same as or after "
                                          "the date referred from")
        return cleaned

    def filters(self) -> CaseFilters:
        """The filters from what was valid: an invalid field filters nothing."""
        if not self.is_bound:
            return CaseFilters()
        self.is_valid()
        data = self.cleaned_data
        return CaseFilters(search=(data.get("search") or "").strip(),
                           stage=data.get("stage") or "", pathway=data.get("pathway") or "",
                           referred_from=data.get("referred_from"),
                           referred_to=data.get("referred_to"),
                           overdue=bool(data.get("overdue")))
