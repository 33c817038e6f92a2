"""State changes for LCSPRs (one module per topic)."""

from .checkpoints import (
    checkpoint_add,
    checkpoint_move,
    checkpoint_review_record,
    checkpoint_update_write,
    checkpoints_schedule,
)
from .clock import lcspr_final_report_sent, lcspr_publication_plan
from .commissioning import lcspr_open
from .family import family_member_add, family_offers_record
from .learning import learning_review_method_save, learning_review_open
from .parallel import parallel_process_add, parallel_process_update
from .practitioners import practitioner_involvement_record
from .referral import (
    national_referral_letter,
    national_referral_record,
    national_referral_reply_record,
)
from .reviewer import (
    reviewer_appoint,
    reviewer_letter,
    reviewer_letter_dispatch_record,
    reviewer_letter_stored,
)
from .subgroup import subgroup_member_add, subgroup_member_remove
from .target import lcspr_target_revise
from .terms import lcspr_terms_agree, lcspr_terms_document, lcspr_terms_save
from .timetable import (
    lcspr_dates_close,
    timetable_item_add,
    timetable_item_cancel,
    timetable_item_done,
    timetable_item_move,
)

__all__ = ["checkpoint_add", "lcspr_dates_close", "checkpoint_move", "checkpoint_review_record",
           "checkpoint_update_write",
           "checkpoints_schedule", "family_member_add", "family_offers_record",
           "lcspr_final_report_sent", "lcspr_open", "lcspr_publication_plan",
           "lcspr_target_revise", "lcspr_terms_agree", "lcspr_terms_document",
           "lcspr_terms_save", "learning_review_method_save", "learning_review_open",
           "national_referral_letter", "national_referral_record",
           "national_referral_reply_record", "parallel_process_add", "parallel_process_update",
           "practitioner_involvement_record", "reviewer_appoint", "reviewer_letter",
           "reviewer_letter_dispatch_record", "reviewer_letter_stored", "subgroup_member_add",
           "subgroup_member_remove",
           "timetable_item_add", "timetable_item_cancel", "timetable_item_done",
           "timetable_item_move"]
