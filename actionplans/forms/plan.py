"""Forms for writing the plan: taking up the reviews' learning, recommendations and actions
(each with the SMART check's "keep it as written" and its reason), and the agency's updates,
evidence and the business unit's judgement of impact."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms

from accounts.fields import LongTextField
from accounts.forms import FormTokenField, GdsDateField, RevisionField, gds_helper
from accounts.models import Agency
from cases.uploads import max_file_size, upload_max_size_validator

from ..models import Action, Evidence

KEEP_LABEL = "Keep it as written"


def _textarea(label: str, what: str, required: str | None = None, rows: int = 3,
              help_text: str = "") -> LongTextField:
    return LongTextField(label=label, what=what, required=required is not None,
                         help_text=help_text, widget=forms.Textarea(attrs={"rows": rows}),
                         error_messages={"required": required} if required else {})


class SmartKeepMixin(forms.Form):
    """The business unit may keep wording the SMART check flags, saying why."""

    keep_as_written = forms.BooleanField(
        label=KEEP_LABEL, required=False,
        help_text="Only when the flagged wording is right for this plan: the reason is kept "
                  "with it")
    keep_reason = _textarea("Why keep it as written? (only if kept)", "The reason")

    def keep_layout(self, show: bool) -> list:
        if not show:
            del self.fields["keep_as_written"], self.fields["keep_reason"]
            return []
        return [Field.checkbox("keep_as_written"),
                Field.textarea("keep_reason", label_size=Size.SMALL)]

    def accept_reason(self) -> str:
        data = self.cleaned_data
        return (data.get("keep_reason") or "").strip() if data.get("keep_as_written") else ""

    def clean(self):
        data = super().clean()
        if data.get("keep_as_written") and not (data.get("keep_reason") or "").strip():
            self.add_error("keep_reason", "Enter why it is kept as written")
        return data


class RecommendationForm(SmartKeepMixin):
    finding = _textarea("What finding does it answer? (optional)", "The finding", rows=3,
                        help_text="From the review's findings or learning points")
    text = _textarea("What is recommended?", "What is recommended",
                     "Enter what is recommended", rows=4,
                     help_text="Specific and measurable: what will change, and how you will "
                               "know")
    revision = RevisionField()
    form_token = FormTokenField()

    def __init__(self, *args, show_keep: bool = False, submit: str = "Save the recommendation",
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.textarea("finding", label_size=Size.SMALL),
            Field.textarea("text", label_size=Size.SMALL), *self.keep_layout(show_keep),
            Field("revision"), Field("form_token"), submit=submit)


class ActionForm(SmartKeepMixin):
    text = _textarea("What will be done?", "What will be done", "Enter what will be done",
                     rows=3)
    agency = forms.ModelChoiceField(label="Which agency owns it?", queryset=Agency.objects.none(),
                                    empty_label="Select an agency",
                                    error_messages={"required": "Select the agency that owns "
                                                                "the action"})
    lead = forms.CharField(label="Named lead", max_length=200, required=False,
                           help_text="The person in the agency who leads it",
                           error_messages={"max_length": "The lead's name must be 200 "
                                                         "characters or fewer"})
    due_on = GdsDateField(label="Due by", what="the date the action is due", required=False,
                          help_text="A working day, for example 31 3 2027")
    outcome = _textarea("What is the expected outcome?", "The expected outcome")
    measure = _textarea("How will its impact be measured?", "The measure of impact",
                        help_text="For example, a multi-agency audit of 20 cases shows the "
                                  "standard met in 90% of them")
    revision = RevisionField()
    form_token = FormTokenField()

    def __init__(self, *args, partnership, show_keep: bool = False,
                 submit: str = "Save the action", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(
            partnerships=partnership).order_by("name")
        self.helper = gds_helper(
            Field.textarea("text", label_size=Size.SMALL), Field("agency"),
            Field.text("lead", field_width=Fluid.TWO_THIRDS, label_size=Size.SMALL),
            Field("due_on", legend_size=Size.SMALL),
            Field.textarea("outcome", label_size=Size.SMALL),
            Field.textarea("measure", label_size=Size.SMALL), *self.keep_layout(show_keep),
            Field("revision"), Field("form_token"), submit=submit)


class TakeUpForm(forms.Form):
    keys = forms.MultipleChoiceField(
        label="Which learning goes into the plan?", widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the learning to take into the plan"})

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keys"].choices = choices
        self.helper = gds_helper(Field.checkboxes("keys", legend_size=Size.MEDIUM),
                                 submit="Take into the plan")


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label="What is the action's status?",
                               choices=Action.Status.choices, widget=forms.RadioSelect,
                               error_messages={"required": "Select the action's status"})
    note = _textarea("What has happened since the last update?", "The update",
                     "Enter what has happened since the last update", rows=4)
    not_implemented_reason = _textarea(
        "If it will not be implemented, why not?", "The reason",
        help_text="Only for an action that will not be implemented: the partnership's "
                  "yearly report states the reason")
    form_token = FormTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("status", legend_size=Size.SMALL),
            Field.textarea("note", label_size=Size.SMALL),
            Field.textarea("not_implemented_reason", label_size=Size.SMALL),
            Field("form_token"), submit="Send the update")


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label="What kind of evidence is it?", choices=Evidence.Kind.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Select what kind of evidence it is"})
    description = _textarea("What does it show?", "What the evidence shows",
                            "Enter what the evidence shows", rows=3,
                            help_text="For an audit, its result: for example 18 of 20 cases "
                                      "met the standard")
    url = forms.CharField(label="Link (for a link)", required=False, max_length=500,
                          help_text="Starting with https://",
                          error_messages={"max_length": "The link must be 500 characters or "
                                                        "fewer"})
    file = forms.FileField(label="File (for a file)", required=False,
                           help_text=f"PDF, DOCX or XLSX, up to {max_file_size()}",
                           validators=[upload_max_size_validator()])
    form_token = FormTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.textarea("description", label_size=Size.SMALL),
            Field.text("url", field_width=Fluid.TWO_THIRDS, label_size=Size.SMALL),
            Field("file"), Field("form_token"), submit="Add the evidence")


class ImpactReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Does the evidence show the action's impact?", widget=forms.RadioSelect,
        choices=[(Action.Impact.EVIDENCED, "Yes: impact evidenced"),
                 (Action.Impact.MORE_NEEDED, "No: ask the agency for more evidence")],
        error_messages={"required": "Select whether the evidence shows the impact"})
    note = _textarea("Note (needed when asking for more)", "The note", rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.radios("outcome", legend_size=Size.SMALL),
                                 Field.textarea("note", label_size=Size.SMALL),
                                 submit="Save the review")


class NotImplementedForm(forms.Form):
    reason = _textarea("Why will the action not be implemented?", "The reason",
                       "Enter why the action will not be implemented", rows=4,
                       help_text="The partnership's yearly report states the reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("reason", label_size=Size.SMALL),
                                 submit="Record as not implemented")


class UpdatesRequestForm(forms.Form):
    due_on = GdsDateField(label="When are the updates due?", what="the date updates are due",
                          help_text="For example, a week before the group meets: 5 3 2027")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("due_on", legend_size=Size.SMALL),
                                 submit="Ask the agencies for updates")
