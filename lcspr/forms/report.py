"""Forms for the overview report, its approval and the approval chain."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset, Fluid, Size
from django import forms

from accounts.fields import LongTextField
from accounts.forms import FormTokenField, GdsDateField, gds_helper
from accounts.models import Agency
from cases.uploads import max_file_size, upload_max_size_validator

from ..models import Publication, RedactionTerm, StageKind
from ..services.chain import MAX_STAGES


class SectionForm(forms.Form):
    text = LongTextField(label="", required=False, max_length=30000, what="The section",
                         widget=forms.Textarea(attrs={"rows": 14}))
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label
        self.helper = gds_helper(Field.textarea("text", label_size=Size.LARGE, label_tag="h1"),
                                 Field("revision"), submit="Save the section")


class RecommendationForm(forms.Form):
    what = LongTextField(label="What is recommended?", what="The recommendation",
                         widget=forms.Textarea(attrs={"rows": 4}),
                         help_text="Specific and measurable: what is required, of whom",
                         error_messages={"required": "Enter what is recommended"})
    lead_agency = forms.ModelChoiceField(label="Lead agency (optional)", required=False,
                                         queryset=Agency.objects.none())
    owner = forms.CharField(label="Who owns it?", max_length=200,
                            help_text="For example, the head of safeguarding of the trust",
                            error_messages={"required": "Enter who owns the recommendation"})
    due_on = GdsDateField(label="By when?", what="the date it is to be done by")
    measure = LongTextField(label="How will progress be measured? (optional)", required=False,
                            what="How progress will be measured",
                            widget=forms.Textarea(attrs={"rows": 3}))
    form_token = FormTokenField()

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].queryset = Agency.objects.filter(
            partnerships=partnership).order_by("name")
        self.helper = gds_helper(
            Field.textarea("what", label_size=Size.SMALL), Field("lead_agency"),
            Field.text("owner", field_width=Fluid.TWO_THIRDS, label_size=Size.SMALL),
            Field("due_on", legend_size=Size.SMALL),
            Field.textarea("measure", label_size=Size.SMALL), Field("form_token"),
            submit="Add the recommendation")


class UploadForm(forms.Form):
    file = forms.FileField(label="Upload the reviewer's draft",
                           help_text=f"A Word document (DOCX) or a PDF, up to {max_file_size()}",
                           validators=[upload_max_size_validator()],
                           error_messages={"required": "Select the draft to upload"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("file", label_size=Size.LARGE, label_tag="h1"),
                                 submit="Upload the draft")


class MeetingDecisionForm(forms.Form):
    content_sha256 = forms.CharField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label="What was decided?", widget=forms.RadioSelect,
        choices=[("approved", "Approved"), ("sent_back", "Sent back with comments")],
        error_messages={"required": "Select what was decided"})
    decided_on = GdsDateField(label="When was it decided?", what="the date it was decided")
    decided_by = forms.CharField(label="Who decided?", max_length=500,
                                 help_text="For example, the review sub-group, chaired by …",
                                 error_messages={"required": "Enter who decided"})
    comment = LongTextField(label="Comments (needed if it is sent back)", required=False,
                            what="The comments", widget=forms.Textarea(attrs={"rows": 5}))
    form_token = FormTokenField()

    def __init__(self, *args, information: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if information:
            self.fields["outcome"].choices = [("noted", "Noted")]
            self.fields["outcome"].label = "Was the report noted?"
        self.helper = gds_helper(
            Field("content_sha256"), Field("form_token"),
            Field.radios("outcome", legend_size=Size.SMALL),
            Field("decided_on", legend_size=Size.SMALL),
            Field.text("decided_by", field_width=Fluid.TWO_THIRDS, label_size=Size.SMALL),
            Field.textarea("comment", label_size=Size.SMALL), submit="Record the decision")


class PartnerDecisionForm(forms.Form):
    content_sha256 = forms.CharField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label="Your decision", widget=forms.RadioSelect,
        choices=[("approved", "I endorse this version for my organisation"),
                 ("sent_back", "Send it back with comments")],
        error_messages={"required": "Select your decision"})
    signer_role = forms.CharField(label="Your role", max_length=200, required=False,
                                  help_text="For example, Director of Children's Services")
    comment = LongTextField(label="Comments (needed if you send it back)", required=False,
                            what="The comments", widget=forms.Textarea(attrs={"rows": 5}))
    form_token = FormTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("content_sha256"), Field("form_token"),
            Field.radios("outcome", legend_size=Size.SMALL),
            Field.text("signer_role", field_width=Fluid.TWO_THIRDS, label_size=Size.SMALL),
            Field.textarea("comment", label_size=Size.SMALL), submit="Record my decision")


class ChainForm(forms.Form):
    """Up to six stages in order; a blank name leaves a stage out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fieldsets = []
        for i in range(1, MAX_STAGES + 1):
            self.fields[f"name_{i}"] = forms.CharField(label="Name of the stage", max_length=200,
                                                       required=False)
            self.fields[f"kind_{i}"] = forms.ChoiceField(
                label="Who decides it", choices=StageKind.choices, required=False)
            fieldsets.append(Fieldset(
                Field.text(f"name_{i}", label_size=Size.SMALL),
                Field(f"kind_{i}"), legend=f"Stage {i}", legend_size=Size.SMALL))
        self.helper = gds_helper(*fieldsets, submit="Save the approval chain")

    def stages(self) -> list[tuple[str, str]]:
        return [(self.cleaned_data[f"kind_{i}"] or StageKind.MEETING,
                 self.cleaned_data[f"name_{i}"]) for i in range(1, MAX_STAGES + 1)]


class RedactionTermForm(forms.Form):
    term = forms.CharField(label="Word or phrase to replace", max_length=300,
                           help_text="For example, a practitioner's name",
                           error_messages={"required": "Enter the word or phrase to replace"})
    replacement = forms.CharField(label="What replaces it", max_length=200,
                                  help_text="For example, Child A, Mother or the health visitor",
                                  error_messages={"required": "Enter what replaces it"})
    category = forms.ChoiceField(label="What is it?", widget=forms.RadioSelect,
                                 choices=RedactionTerm.Category.choices,
                                 error_messages={"required": "Select what it is"})
    form_token = FormTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("term", field_width=Fluid.TWO_THIRDS, label_size=Size.SMALL),
            Field.text("replacement", field_width=Fluid.TWO_THIRDS, label_size=Size.SMALL),
            Field.radios("category", legend_size=Size.SMALL), Field("form_token"),
            submit="Add to the list")


class PublicationDecisionForm(forms.Form):
    decision = forms.ChoiceField(label="What did the partners decide?", widget=forms.RadioSelect,
                                 choices=Publication.Decision.choices,
                                 error_messages={"required": "Select whether the report is "
                                                             "published"})
    decided_on = GdsDateField(label="When was it decided?", what="the date it was decided")
    decided_by = forms.CharField(label="Who decided?", max_length=500,
                                 help_text="For example, the Assurance Executive",
                                 error_messages={"required": "Enter who decided"})
    reason = LongTextField(label="Why is it not published? (only if it is not)", required=False,
                           what="The reason", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("decision", legend_size=Size.SMALL),
            Field("decided_on", legend_size=Size.SMALL),
            Field.text("decided_by", field_width=Fluid.TWO_THIRDS, label_size=Size.SMALL),
            Field.textarea("reason", label_size=Size.SMALL), submit="Record the decision")


class PublicationForm(forms.Form):
    published_on = GdsDateField(label="When was the report published?",
                                what="the date it was published")
    link = forms.URLField(label="Where is it published?", max_length=500, assume_scheme="https",
                          help_text="The address of the report on the partnership's website",
                          error_messages={"required": "Enter the address of the published "
                                                      "report",
                                          "invalid": "Enter the address in the correct format, "
                                                     "like https://www.example.org/report"})

    early_reason = LongTextField(
        label="Why was it published sooner? (only if it was)", required=False,
        what="The reason", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The Panel, the Secretary of State and Ofsted must have the final report at "
                  "least 7 working days before publication. Say why, if it was published "
                  "sooner than that after the report was sent")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("published_on", legend_size=Size.SMALL),
                                 Field.text("link", label_size=Size.SMALL),
                                 Field.textarea("early_reason", label_size=Size.SMALL),
                                 submit="Record the publication")
