"""State changes for LCSPRs (one module per topic)."""

from .clock import lcspr_final_report_sent, lcspr_publication_plan
from .commissioning import lcspr_open
from .reviewer import reviewer_appoint, reviewer_letter, reviewer_letter_dispatch_record
from .subgroup import subgroup_member_add, subgroup_member_remove
from .terms import lcspr_terms_agree, lcspr_terms_document, lcspr_terms_save

__all__ = ["lcspr_final_report_sent", "lcspr_open", "lcspr_publication_plan",
           "lcspr_terms_agree", "lcspr_terms_document", "lcspr_terms_save",
           "reviewer_appoint", "reviewer_letter", "reviewer_letter_dispatch_record",
           "subgroup_member_add", "subgroup_member_remove"]
