"""Setting Regulation 14 progress checkpoints, the reviewer's update and the partners'
review at each."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms

from accounts.fields import LongTextField
from accounts.forms import GdsDateField, gds_helper

from ..services.checkpoints import MAX_WEEKS


class EveryWeeksForm(forms.Form):
    every_weeks = forms.IntegerField(
        label="How many weeks apart should the checkpoints be?", min_value=1,
        max_value=MAX_WEEKS,
        help_text="Counted from the decision to commission the review, up to its target date",
        error_messages={"required": f"Enter a number of weeks from 1 to {MAX_WEEKS}",
                        "invalid": f"Enter a number of weeks from 1 to {MAX_WEEKS}",
                        "min_value": f"Enter a number of weeks from 1 to {MAX_WEEKS}",
                        "max_value": f"Enter a number of weeks from 1 to {MAX_WEEKS}"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.text("every_weeks", field_width=2,
                                            label_size=Size.LARGE, label_tag="h1"),
                                 submit="Set the checkpoints")


class CheckpointDateForm(forms.Form):
    due_on = GdsDateField(label="When is the checkpoint?", what="the date of the checkpoint",
                          help_text="If it is not a working day, the working day before. "
                                    "For example, 27 3 2027")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("due_on", legend_size=Size.LARGE, legend_tag="h1"),
                                 submit="Add the checkpoint")


class ReviewerUpdateForm(forms.Form):
    reviewer_update = LongTextField(
        label="The reviewer's update", what="The update",
        help_text="Progress since the last checkpoint, against the timetable and the terms of "
                  "reference, and anything holding the review up",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the reviewer's update on the review's progress"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("reviewer_update", label_size=Size.MEDIUM),
                                 submit="Save the update")


class PartnersReviewForm(forms.Form):
    reviewed_on = GdsDateField(label="When did the partners review progress?",
                               what="the date the partners reviewed progress")
    time_view = LongTextField(
        label="The partners' view of time", what="The view of time",
        help_text="Is the review on track to meet its target date?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the partners' view of progress against the "
                                    "timetable"})
    quality_view = LongTextField(
        label="The partners' view of quality", what="The view of quality",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the partners' view of the quality of the review"})
    corrective_action = LongTextField(label="Corrective action (optional)", required=False,
                                      what="The corrective action",
                                      widget=forms.Textarea(attrs={"rows": 3}))
    early_learning = LongTextField(
        label="Learning agreed to be released early (optional)", required=False,
        what="The learning to release early", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("reviewed_on", legend_size=Size.SMALL),
                                 Field.textarea("time_view", label_size=Size.SMALL),
                                 Field.textarea("quality_view", label_size=Size.SMALL),
                                 Field.textarea("corrective_action", label_size=Size.SMALL),
                                 Field.textarea("early_learning", label_size=Size.SMALL),
                                 submit="Record the partners' review")


class CheckpointMoveForm(forms.Form):
    due_on = GdsDateField(label="What is the new date of the checkpoint?",
                          what="the new date of the checkpoint",
                          help_text="If it is not a working day, the working day before. "
                                    "For example, 27 3 2027")
    reason = LongTextField(label="Why is it moving?", what="The reason",
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "Enter why the checkpoint is moving"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("due_on", legend_size=Size.SMALL),
                                 Field.textarea("reason", label_size=Size.SMALL),
                                 submit="Move the checkpoint")
