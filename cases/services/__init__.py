"""State changes for cases: referrals, triage and stage changes (one module per concern)."""

from .case import CaseError, EditConflict, case_create, case_stage_change, case_take_to_triage
from .referral import (
    child_remove,
    child_save,
    incident_save,
    involvement_remove,
    involvement_save,
    person_remove,
    person_save,
    referral_missing_answers,
    referral_query_answer,
    referral_query_ask,
    referral_start,
    referral_submit,
    referral_update,
)
from .triage import (
    challenge_record,
    challenge_resolve,
    triage_decide,
    triage_executive_respond,
    triage_recommendation_generate,
)

__all__ = [
    "CaseError",
    "EditConflict",
    "case_create",
    "case_stage_change",
    "case_take_to_triage",
    "challenge_record",
    "challenge_resolve",
    "child_remove",
    "child_save",
    "incident_save",
    "involvement_remove",
    "involvement_save",
    "person_remove",
    "person_save",
    "referral_missing_answers",
    "referral_query_answer",
    "referral_query_ask",
    "referral_start",
    "referral_submit",
    "referral_update",
    "triage_decide",
    "triage_executive_respond",
    "triage_recommendation_generate",
]
