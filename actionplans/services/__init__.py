"""Every change to an action plan, one function per action."""

from .oversight import (
    actions_unfinished,
    not_yet_smart,
    plan_review_record,
    plan_sign_off,
    scrutiny_audit_complete,
    scrutiny_audit_request,
)
from .plan import (
    Candidate,
    SmartRefused,
    action_plan_start,
    action_save,
    plan_candidates,
    plan_group_rename,
    plan_take_up,
    recommendation_save,
)
from .progress import (
    action_impact_review,
    action_not_implemented,
    action_update_give,
    evidence_add,
    updates_request,
)

__all__ = [
    "Candidate", "SmartRefused", "action_impact_review", "action_not_implemented",
    "action_plan_start",
    "action_save", "action_update_give", "actions_unfinished", "evidence_add",
    "not_yet_smart", "plan_candidates", "plan_group_rename", "plan_review_record", "plan_sign_off",
    "plan_take_up", "recommendation_save", "scrutiny_audit_complete",
    "scrutiny_audit_request", "updates_request",
]
from .learning import (  # noqa: E402
    briefing_save,
    dissemination_add,
    dissemination_done,
    dissemination_feedback_give,
)
from .progress_upload import ProgressUploadRefused, progress_upload  # noqa: E402

__all__ += [
    "ProgressUploadRefused", "briefing_save", "dissemination_add", "dissemination_done",
    "dissemination_feedback_give", "progress_upload",
]
