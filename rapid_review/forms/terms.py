"""Forms for the terms of reference pages."""

from __future__ import annotations

from crispy_forms_gds.layout import HTML, Field, Fieldset, Fluid, Size
from django import forms

from accounts.fields import NOTE_MAX_LENGTH, LongTextField
from accounts.forms import GdsDateField, RevisionField, gds_helper

from ..models import TermsMember

MEETING_DATE_FIELDS = ("meeting_date_1", "meeting_date_2", "meeting_date_3")


class TermsForm(forms.Form):
    children = forms.ModelMultipleChoiceField(
        label="Which children are in scope?", queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the children the review is about"})
    people = forms.ModelMultipleChoiceField(
        label="Which significant others are in scope?", queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple, help_text="Family members and others in the "
                                                       "child's network recorded on the case")
    scope_from = GdsDateField(label="From", what="the date the scope period starts")
    scope_to = GdsDateField(label="To", what="the date the scope period ends")
    earlier_history = LongTextField(
        what="The history before the scope period",
        label="Pertinent history before the scope period (optional)", required=False,
        widget=forms.Textarea(attrs={"rows": 3}))
    other_contributors = LongTextField(
        max_length=NOTE_MAX_LENGTH * 4, what="Other contributors",
        label="Other contributors (optional)", required=False,
        help_text="Agencies asked for information are listed already",
        widget=forms.Textarea(attrs={"rows": 3}))
    meeting_date_1 = GdsDateField(label="First meeting", what="the date of the first meeting")
    meeting_date_2 = GdsDateField(label="Second meeting (optional)", required=False,
                                  what="the date of the second meeting")
    meeting_date_3 = GdsDateField(label="Third meeting (optional)", required=False,
                                  what="the date of the third meeting")
    returns_due_on = GdsDateField(label="When are the agencies' returns due?",
                                  what="the date agencies' returns are due")
    version = RevisionField()

    def __init__(self, *args, case, requested_returns_due=None, **kwargs):
        """``requested_returns_due``: the return date of the information requests already
        sent, which the terms give instead of asking (it follows the calendar)."""
        super().__init__(*args, **kwargs)
        self.fields["children"].queryset = case.children.all()
        self.fields["children"].label_from_instance = lambda child: child.full_name
        self.fields["people"].queryset = case.people.all()
        self.fields["people"].label_from_instance = \
            lambda person: f"{person.full_name} ({person.get_relationship_display().lower()})"
        people = [Field.checkboxes("people", legend_size=Size.SMALL)] \
            if case.people.exists() else []
        if not people:
            del self.fields["people"]
        returns = [Field("returns_due_on")]
        if requested_returns_due is not None:
            del self.fields["returns_due_on"]
            returns = [HTML(
                '<h2 class="govuk-heading-s">Agencies\' returns</h2><p class="govuk-body">'
                f"Due on {requested_returns_due:%-d %B %Y}, the date in the information "
                "requests sent. It follows the partnership's calendar, so the terms of "
                "reference always give the same date as the requests.</p>")]
        self.helper = gds_helper(
            Field.checkboxes("children", legend_size=Size.SMALL),
            *people,
            Fieldset(Field("scope_from"), Field("scope_to"), legend="Scope period",
                     legend_size=Size.SMALL),
            Field.textarea("earlier_history", label_size=Size.SMALL),
            Field.textarea("other_contributors", label_size=Size.SMALL),
            Fieldset(*(Field(name) for name in MEETING_DATE_FIELDS),
                     legend="Rapid review meeting dates", legend_size=Size.SMALL),
            *returns,
            Field("version"),
            submit="Save terms of reference")

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {"children": list(data["children"]), "people": list(data.get("people") or []),
                "scope_from": data["scope_from"], "scope_to": data["scope_to"],
                "earlier_history": data["earlier_history"],
                "other_contributors": data["other_contributors"],
                "meeting_dates": [data[name] for name in MEETING_DATE_FIELDS if data.get(name)],
                "returns_due_on": data.get("returns_due_on"), "version": data.get("version")}


class TermsMemberForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=TermsMember.Role.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Select the member's role"})
    name = forms.CharField(label="Name", max_length=200,
                           error_messages={"required": "Enter the member's name"})
    organisation = forms.CharField(label="Organisation (optional)", max_length=200,
                                   required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("role", legend_size=Size.SMALL),
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.text("organisation", field_width=Fluid.TWO_THIRDS),
            submit="Add member")
