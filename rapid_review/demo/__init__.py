"""Fictional demo rapid reviews at each stage, made through the real services (used by
``cases.demo``)."""

from .gathering import panel_not_yet_notified, review_on_day_6, review_past_the_clock
from .signoff import review_submitted, review_waiting_for_signatures, review_with_panel_response

__all__ = ["panel_not_yet_notified", "review_on_day_6", "review_past_the_clock", "review_submitted",
           "review_waiting_for_signatures", "review_with_panel_response"]
