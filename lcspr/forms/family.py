"""A family member, and the six minimum offers made to them."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from accounts.fields import NOTE_MAX_LENGTH, LongTextField
from accounts.forms import FormTokenField, GdsDateField, gds_helper

from ..models import OFFERS, FamilyMember


class FamilyMemberForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200,
                           error_messages={"required": "Enter the family member's name"})
    relationship = forms.ChoiceField(
        label="What is their relationship to the child?",
        choices=FamilyMember.Relationship.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select their relationship to the child"})
    relationship_detail = forms.CharField(label="Relationship in their words (optional)",
                                          max_length=200, required=False,
                                          help_text="For example, maternal aunt")
    form_token = FormTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.text("name"),
                                 Field.radios("relationship", legend_size=Size.SMALL),
                                 Field.text("relationship_detail"), Field("form_token"),
                                 submit="Add the family member")


class FamilyOffersForm(forms.Form):
    notified_on = GdsDateField(label=OFFERS[0][1], required=False, what="the date")
    contact_agreed_on = GdsDateField(label=OFFERS[1][1], required=False, what="the date")
    contact_arrangement = forms.CharField(
        label="The level and frequency of contact agreed (optional)", required=False,
        max_length=NOTE_MAX_LENGTH, help_text="For example, a call every fortnight")
    contribution_on = GdsDateField(label=OFFERS[2][1], required=False, what="the date")
    contribution = forms.ChoiceField(
        label="How will they contribute? (optional)", required=False,
        choices=FamilyMember.Contribution.choices, widget=forms.RadioSelect)
    feedback_on = GdsDateField(label=OFFERS[3][1], required=False, what="the date")
    publication_prepared_on = GdsDateField(label=OFFERS[4][1], required=False, what="the date")
    embargoed_copy_on = GdsDateField(label=OFFERS[5][1], required=False, what="the date")
    declined_on = GdsDateField(label="When did they say so?", required=False, what="the date",
                               help_text="Leave blank if they are taking part")
    declined_note = LongTextField(label="What did they say? (optional)", required=False,
                                  what="The note", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Fieldset(Field("notified_on", legend_size=Size.SMALL),
                     Field("contact_agreed_on", legend_size=Size.SMALL),
                     Field.text("contact_arrangement", label_size=Size.SMALL),
                     Field("contribution_on", legend_size=Size.SMALL),
                     Field.radios("contribution", legend_size=Size.SMALL),
                     Field("feedback_on", legend_size=Size.SMALL),
                     Field("publication_prepared_on", legend_size=Size.SMALL),
                     Field("embargoed_copy_on", legend_size=Size.SMALL),
                     legend="The minimum offers, each with the date it was made",
                     legend_size=Size.MEDIUM),
            Fieldset(Field("declined_on", legend_size=Size.SMALL),
                     Field.textarea("declined_note", label_size=Size.SMALL),
                     legend="If they do not wish to take part", legend_size=Size.MEDIUM),
            submit="Save")

    def service_values(self) -> dict:
        return {field: value if value is not None else (None if field.endswith("_on") else "")
                for field, value in self.cleaned_data.items()}
