"""Adding a member to the review sub-group."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms

from accounts.forms import gds_helper

from ..models import REPRESENTS


class MemberForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200,
                           error_messages={"required": "Enter the member's name"})
    job_title = forms.CharField(label="Role or job title", max_length=200,
                                error_messages={"required": "Enter the member's role or job "
                                                            "title"})
    organisation = forms.CharField(label="Organisation", max_length=200,
                                   error_messages={"required": "Enter the member's "
                                                               "organisation"})
    represents = forms.ChoiceField(
        label="Who do they represent?", choices=REPRESENTS, widget=forms.RadioSelect,
        error_messages={"required": "Select the statutory partner they represent, or "
                                    "co-opted"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.text("name"), Field.text("job_title"),
                                 Field.text("organisation"),
                                 Field.radios("represents", legend_size=Size.SMALL),
                                 submit="Add the member")
