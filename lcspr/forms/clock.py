"""Forms for the LCSPR's dates, with GOV.UK layout and wording."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms

from accounts.forms import GdsDateField, gds_helper


class PublicationPlanForm(forms.Form):
    planned_on = GdsDateField(label="When is the report planned to be published?",
                              what="the planned publication date",
                              help_text="For example, 27 3 2027")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("planned_on", legend_size=Size.LARGE, legend_tag="h1"),
                                 submit="Save the date")


class FinalReportSentForm(forms.Form):
    sent_on = GdsDateField(
        label="When was the final report sent to the Panel, the Secretary of State and "
              "Ofsted?", what="the date the final report was sent")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("sent_on", legend_size=Size.LARGE, legend_tag="h1"),
                                 submit="Record as sent")
