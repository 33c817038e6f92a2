"""Rapid review state changes, one module per part of the review."""

from .chasing import returns_chase  # noqa: F401
from .chronology import (  # noqa: F401
    chronology_entry_add,
    chronology_entry_change,
    chronology_entry_remove,
    chronology_upload,
    chronology_upload_once,
    collated_returns_generate,
    master_chronology_generate,
)
from .meetings import (  # noqa: F401
    meeting_attendee_add,
    meeting_attendee_remove,
    meeting_confirm_held,
    meeting_schedule,
    require_quorate,
)
from .panel_response import (  # noqa: F401
    case_move_on,
    panel_response_record,
    panel_response_reply,
    panel_response_share,
)
from .report import (  # noqa: F401
    learning_item_add,
    learning_item_remove,
    report_assessment_save,
    report_decision_record,
    report_section_save,
    report_start,
)
from .requests import (  # noqa: F401
    further_information_request_send,
    information_request_confirm_receipt,
    information_requests_send,
)
from .returns import (  # noqa: F401
    agency_return_missing,
    agency_return_nil,
    agency_return_reopen,
    agency_return_save,
    agency_return_submit,
    return_attachment_add,
    return_attachment_remove,
)
from .review import rapid_review_open, rapid_review_stop  # noqa: F401
from .terms import (  # noqa: F401
    terms_agree,
    terms_defaults,
    terms_document,
    terms_member_add,
    terms_member_remove,
    terms_save,
)
