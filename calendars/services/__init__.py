"""State changes for calendars, timeline templates and deadlines (one module per concern)."""

from .calendar import calendar_day_add, calendar_day_remove, calendar_for
from .deadlines import (
    anchor_record,
    anchor_reschedule,
    anchor_withdraw,
    deadline_mark_done,
    deadline_meet,
    deadline_move,
    deadline_waive,
    deadlines_assign,
    deadlines_close,
    deadlines_recompute,
    deadlines_recompute_all,
    deadlines_reopen,
    due_dates_for,
    on_deadlines_moved,
    plan_for,
    step_calendar,
)
from .recompute import (
    deadlines_recompute_request,
    deadlines_recompute_requeue,
    deadlines_recompute_run,
)
from .reminders import RemindersNow, reminders_send_now
from .templates import (
    template_adopt,
    template_step_create,
    template_step_delete,
    template_step_update,
)

__all__ = [
    "RemindersNow",
    "anchor_record",
    "anchor_reschedule",
    "anchor_withdraw",
    "calendar_day_add",
    "calendar_day_remove",
    "calendar_for",
    "deadline_mark_done",
    "deadline_meet",
    "deadline_move",
    "deadline_waive",
    "deadlines_assign",
    "deadlines_close",
    "deadlines_recompute",
    "deadlines_recompute_all",
    "deadlines_recompute_request",
    "deadlines_recompute_requeue",
    "deadlines_recompute_run",
    "deadlines_reopen",
    "due_dates_for",
    "on_deadlines_moved",
    "plan_for",
    "reminders_send_now",
    "step_calendar",
    "template_adopt",
    "template_step_create",
    "template_step_delete",
    "template_step_update",
]
