"""The built-in timeline templates, each from one of the partnerships' procedures.

Partnerships copy one and edit their copy; these rows are the library they copy from.
Every step says what it counts from (the event its procedure names), which calendar it
counts on (the statutory time limits count England's bank holidays only), and which
action of the product meets it. ``docs/timelines.md`` sets each step beside the
procedure's own words; ``tests/calendars/test_builtin_plans.py`` checks them by hand-counted
dates.
"""

from __future__ import annotations

WD, HOURS, MONTHS = "working_days", "hours", "calendar_months"
AFTER, BEFORE = "after", "before"
STATUTORY, LOCAL = "statutory", "partnership"
BUO, BM, PARTNER = "business_unit_officer", "business_manager", "partner_representative"
AGENCY_USER = "agency_user"


def step(key: str, label: str, anchor: str, offset: int, met_by: str, *, unit: str = WD,
         direction: str = AFTER, window_start: int | None = None, role: str = BUO,
         agency: bool = False, calendar: str = LOCAL, remind: tuple[int, ...] = (1,),
         on_day: bool = True, escalate: int | None = 1) -> dict:
    return {"key": key, "label": label, "anchor": anchor, "offset": offset, "unit": unit,
            "direction": direction, "window_start": window_start, "responsible_role": role,
            "responsible_is_agency": agency, "calendar": calendar, "met_by": met_by,
            "remind_days_before": list(remind), "remind_on_day": on_day,
            "remind_daily_when_overdue": True, "escalate_after": escalate}


# Every plan ------------------------------------------------------------------------------
# Seed 000 (and seed 003 "as soon as possible"): the agency refers within 1 working day of
# the incident. Met by the referral itself, so it records how promptly referrals come.
REFER = step("refer_incident", "Refer the incident to the business unit", "incident", 1,
             "referral_submitted", role=AGENCY_USER, agency=True, remind=(), escalate=None)
# Children Act 2004 s16C, Working Together: the local authority notifies the Panel within 5
# working days of becoming aware, and reports the incident to the partners in the same time
# (seed 002 Process 1 quotes both; seed 004 §4.1.2: it "must always share" a notification
# with the partners). Both are time limits set nationally, so every plan has both.
NOTIFY_PANEL = step("notify_panel", "Notify the National Panel", "became_aware", 5,
                    "panel_notified", calendar=STATUTORY, remind=(2, 1))
REPORT_TO_PARTNERS = step("report_to_partners",
                          "Report the incident to the safeguarding partners", "became_aware",
                          5, "partner_letter_sent", calendar=STATUTORY)
# A looked-after child's death: the Secretary of State and Ofsted, whatever the pathway.
NOTIFY_SECRETARY_OF_STATE = step(
    "notify_secretary_of_state", "Tell the Secretary of State a looked-after child died",
    "looked_after_child_died", 5, "secretary_of_state_notified", calendar=STATUTORY,
    remind=(2, 1))
NOTIFY_OFSTED = step("notify_ofsted", "Tell Ofsted a looked-after child died",
                     "looked_after_child_died", 5, "ofsted_notified", calendar=STATUTORY,
                     remind=(2, 1))
AGENCY_RETURNS = step("agency_returns_due", "Agency returns due", "information_request_sent",
                      5, "return_submitted", role="", agency=True, remind=(2, 1))
# Working Together: the rapid review within 15 working days of the notification; if it
# will be late, the Panel is told why and when before then (seeds 000 and 001).
SUBMIT_15 = step("submit_rapid_review", "Submit the rapid review to the Panel",
                 "notification_sent", 15, "rapid_review_submitted", role=BM,
                 calendar=STATUTORY, remind=(5, 2, 1))
TELL_PANEL_IF_LATE = step("tell_panel_if_late",
                          "Tell the Panel if the rapid review will be late, and why",
                          "notification_sent", 15, "delay_notice_sent", role=BM,
                          calendar=STATUTORY, remind=(2,), on_day=True)
# Seed 001: the Panel's response arrives between working days 16 and 30. Awaited, not
# done: the business unit is reminded only once it is late, to chase.
PANEL_RESPONSE = step("panel_response", "The Panel's response is expected",
                      "notification_sent", 30, "panel_response_received", window_start=16,
                      calendar=STATUTORY, remind=(), on_day=False, escalate=5)
LCSPR_6_MONTHS = step("complete_lcspr", "Complete the LCSPR (6 month target)",
                      "decision_to_commission_lcspr", 6, "final_report_sent", unit=MONTHS,
                      role=BM, remind=(20, 5), escalate=5)
FINAL_REPORT = step("send_final_lcspr_report",
                    "Send the final LCSPR report to the Panel, the Secretary of State and "
                    "Ofsted", "planned_publication", 7, "final_report_sent", direction=BEFORE,
                    role=BM, calendar=STATUTORY, remind=(5, 2, 1))
# Learning reviews and single-agency reviews (seed 003 flowchart 4, seed 002 "A Learning
# Review"): no time limit in law, and neither procedure gives one; the partnership's own
# target, on its own calendar, is Lincolnshire's expectation for its reviews ("no later than
# 6 months after the decision to initiate a review", seed 002 chapter 3), which a
# partnership changes in its copy of the plan. Ticked off by the business unit when the
# review's learning is agreed (docs/decisions/0011-learning-reviews.md).
LEARNING_REVIEW_TARGET = step("complete_learning_review",
                              "Complete the learning review (the partnership's target)",
                              "decision_to_start_learning_review", 6, "marked_done",
                              unit=MONTHS, role=BM, remind=(20, 5), escalate=5)
LEARNING_REVIEW_STEPS = [LEARNING_REVIEW_TARGET]
# The LCSPR's own dates. Seed 003 flowchart 3: the partners tell the Panel, Ofsted and DfE
# the name of the reviewer they commissioned. No time is set in law or in the seeds; 5
# working days of the appointment (the partnership's calendar) is a week, enough to make and
# send the letter while the Panel is still discussing the review's scope (seed 003).
REVIEWER_LETTERS = [
    step(f"reviewer_name_to_{who}", f"Send the LCSPR reviewer's name to {label}",
         "lcspr_reviewer_appointed", 5, f"reviewer_name_sent_to_{who}", remind=(2,),
         escalate=2)
    for who, label in (("panel", "the Panel"), ("ofsted", "Ofsted"), ("dfe", "DfE"))]
# Regulation 14: the reviewer's written update and the partners' review are both due on the
# checkpoint's day (the partnership sets it, a working day of its calendar).
CHECKPOINT_UPDATE = step("lcspr_checkpoint_update",
                         "Reviewer's written progress update for the LCSPR checkpoint",
                         "lcspr_checkpoint", 0, "checkpoint_update_written", remind=(5, 1),
                         escalate=2)
CHECKPOINT_REVIEW = step("lcspr_checkpoint_review",
                         "Partners review the LCSPR's progress at the checkpoint",
                         "lcspr_checkpoint", 0, "checkpoint_reviewed", remind=(5, 1),
                         escalate=2)
# Seed 002 chapter 3: the sub-group chair's timetable of meetings, chronology deadlines,
# conversations and learning events. Each item is due on the day it is set for.
TIMETABLE_ITEM = step("lcspr_timetable_item",
                      "LCSPR timetable: meeting, conversation, event or deadline",
                      "lcspr_timetable", 0, "timetable_item_done", remind=(5, 1), escalate=2)
LCSPR_DATES = [*REVIEWER_LETTERS, CHECKPOINT_UPDATE, CHECKPOINT_REVIEW, TIMETABLE_ITEM]
# Seed 002 l.306 and seed 003 flowchart 3: the group monitors the action plan until it is
# complete. Each action is due from its agency on the day the plan sets; the progress updates
# the business unit asks for before the group's meeting are due on the day it sets.
ACTION_DUE = step("action_due", "Complete the action and send evidence of its impact",
                  "action_due", 0, "action_completed", role=AGENCY_USER, agency=True,
                  remind=(10, 2), escalate=5)
ACTION_UPDATE = step("action_update", "Send a progress update on the action",
                     "action_update_due", 0, "action_update_given", role=AGENCY_USER,
                     agency=True, remind=(5, 1), escalate=3)
ACTION_PLAN_DATES = [ACTION_DUE, ACTION_UPDATE]

EVERY_PLAN_BEFORE = [REFER, NOTIFY_PANEL, NOTIFY_SECRETARY_OF_STATE, NOTIFY_OFSTED,
                     REPORT_TO_PARTNERS]
EVERY_PLAN_AFTER = [TELL_PANEL_IF_LATE, SUBMIT_15, PANEL_RESPONSE, LCSPR_6_MONTHS, FINAL_REPORT,
                    *LEARNING_REVIEW_STEPS, *LCSPR_DATES, *ACTION_PLAN_DATES]

DEFAULT_PLAN = "Statutory minimum (Working Together 2023)"

TEMPLATES = [
    {
        "name": DEFAULT_PLAN,
        "source": "Working Together to Safeguard Children 2023, chapter 5",
        "description": "The statutory time limits only: notification within 5 working days of "
                       "becoming aware, rapid review within 15 working days of the "
                       "notification, final LCSPR report 7 working days before publication, "
                       "all on England's bank holidays; with the 5 working days agencies have "
                       "for their returns. A partnership that has not chosen a plan uses it.",
        "steps": [*EVERY_PLAN_BEFORE, AGENCY_RETURNS, *EVERY_PLAN_AFTER],
    },
    {
        "name": "15 working day plan (North East Lincolnshire)",
        "source": "North East Lincolnshire flowcharts 1 to 3 (SCSI-1 to SCSI-7, SRG-8, "
                  "Letter 9)",
        "description": "Counted from receiving the notification of the incident (SCSI-1): "
                       "letters on days 1 and 2, agency returns on day 7, collation on day 8, "
                       "meeting on day 11, decision record to the partners on day 12, their "
                       "conference on day 14, decision to the Panel on day 15.",
        "steps": [
            *EVERY_PLAN_BEFORE,
            step("inform_partners", "Inform the safeguarding partners (SCSI-2)",
                 "referral_received", 1, "partner_letter_sent", remind=()),
            step("schedule_meeting", "Schedule the rapid review meeting for working day 11",
                 "referral_received", 1, "meeting_scheduled", remind=(), escalate=2),
            step("arrange_partners_conference",
                 "Arrange the safeguarding partners' conference for working day 14",
                 "referral_received", 1, "marked_done", remind=(), escalate=2),
            step("send_group_letter", "Send the letter to the review group (SCSI-3)",
                 "referral_received", 2, "review_group_letter_sent"),
            step("send_rapid_review_letter",
                 "Send the rapid review letter to the safeguarding partners (SCSI-4)",
                 "referral_received", 2, "rapid_review_letter_sent"),
            step("send_information_requests",
                 "Send information requests to agencies (SCSI-5, SCSI-6)",
                 "referral_received", 2, "information_requests_sent"),
            step("confirm_receipt", "Phone the agency to confirm it has the request",
                 "information_request_sent", 0, "receipt_confirmed", remind=()),
            AGENCY_RETURNS,
            step("collate_returns", "Collate the returns for the review group (SCSI-7)",
                 "referral_received", 8, "returns_collated"),
            step("rapid_review_meeting", "Rapid review meeting", "referral_received", 11,
                 "meeting_held", remind=(3, 1)),
            step("send_decision_record",
                 "Send the decision record and its covering letter to the partners (SRG-8)",
                 "referral_received", 12, "decision_record_sent"),
            step("partners_sign", "Partners sign the decision record at their conference",
                 "referral_received", 14, "partners_signed", role=PARTNER, remind=(2, 1)),
            step("send_to_panel", "Send the signed decision record to the Panel (Letter 9)",
                 "referral_received", 15, "rapid_review_submitted", role=BM, remind=(2, 1)),
            *EVERY_PLAN_AFTER,
        ],
    },
    {
        "name": "Rapid review plan (Lincolnshire)",
        "source": "Lincolnshire review guidance, chapter 2 and Appendix C",
        "description": "Counted from receiving the partner's referral: review group told "
                       "within 24 hours of the decision to start, terms of reference meeting "
                       "within 48 hours, terms and chronology template out and returns "
                       "collated by day 7, panel meetings and ratification between days 8 "
                       "and 13, Assurance Executive sign-off on day 14, submission on day 15.",
        "steps": [
            *EVERY_PLAN_BEFORE,
            step("inform_review_group",
                 "Tell the review group (SIRG) and the Assurance Executive a rapid review has "
                 "started (SCSI-3)", "triage_decided", 24, "review_group_letter_sent",
                 unit=HOURS, role=BM, remind=()),
            step("terms_of_reference_meeting",
                 "Hold the terms of reference meeting: the partners agree the terms",
                 "triage_decided", 48, "terms_agreed", unit=HOURS, role=BM, remind=()),
            step("send_information_requests",
                 "Send the terms of reference and chronology template to agencies",
                 "referral_received", 7, "information_requests_sent", remind=(2, 1)),
            AGENCY_RETURNS,
            step("collate_returns", "Circulate the collated chronology to the panel",
                 "referral_received", 7, "returns_collated"),
            step("rapid_review_meeting", "Rapid review panel meetings", "referral_received",
                 13, "meeting_held", window_start=8, remind=(3, 1)),
            step("partners_sign", "Ratification: the partners agree the final report",
                 "referral_received", 13, "partners_signed", window_start=8, role=PARTNER,
                 remind=(2, 1)),
            step("executive_sign_off", "Assurance Executive signs off the report",
                 "referral_received", 14, "report_endorsed", role=BM),
            step("send_to_panel", "Submit the rapid review report to the Panel",
                 "referral_received", 15, "rapid_review_submitted", role=BM, remind=(2, 1)),
            *EVERY_PLAN_AFTER,
        ],
    },
    {
        "name": "Rapid review plan (West Midlands)",
        "source": "West Midlands procedure, sections 4.1 to 4.7",
        "description": "Counted from receiving the referral: scoping template to agencies "
                       "within 2 working days and the meeting date set then, returns within "
                       "5, meeting between working days 7 and 13, outcome (endorsed by the "
                       "independent chair where the partnership asks) to the Panel within 2 "
                       "working days of the meeting, rapid review complete within 15 working "
                       "days of becoming aware.",
        "steps": [
            *EVERY_PLAN_BEFORE,
            step("send_information_requests",
                 "Send the scoping template to agencies (Documents 2 and 3)",
                 "referral_received", 2, "information_requests_sent"),
            step("schedule_meeting", "Set the date of the rapid review meeting",
                 "referral_received", 2, "meeting_scheduled"),
            AGENCY_RETURNS,
            step("rapid_review_meeting", "Rapid review meeting", "referral_received", 13,
                 "meeting_held", window_start=7, remind=(3, 1)),
            # §4.6.3: areas with an independent chair may ask them to endorse the outcome,
            # which then goes to the Panel with it. Closed at sign-off where the
            # partnership does not ask for an endorsement.
            step("chair_endorses", "The independent chair endorses the outcome",
                 "meeting_held", 2, "report_endorsed", role=BM),
            step("send_outcome_to_panel",
                 "Send the rapid review outcome to the Panel (Document 5)", "meeting_held", 2,
                 "rapid_review_submitted", role=BM),
            # §4.2.2 gives this as the national Panel's timescale, so no closure moves it.
            step("complete_rapid_review",
                 "Complete the rapid review (15 working days of becoming aware)",
                 "became_aware", 15, "rapid_review_submitted", role=BM, calendar=STATUTORY,
                 remind=(2, 1)),
            *EVERY_PLAN_AFTER,
        ],
    },
]


def install(template_model, step_model) -> int:
    """Create the built-in templates that are missing (used by migrations and tests).

    Only the fields the given model has are set, so a migration written before a field
    existed still runs against its historical model.
    """
    fields = {f.name for f in step_model._meta.get_fields()}
    created = 0
    for data in TEMPLATES:
        if template_model.objects.filter(partnership=None, name=data["name"]).exists():
            continue
        template = template_model.objects.create(partnership=None, name=data["name"],
                                                 source=data["source"],
                                                 description=data["description"])
        step_model.objects.bulk_create(
            step_model(template=template, position=position,
                       **{k: v for k, v in values.items() if k in fields})
            for position, values in enumerate(data["steps"], start=1))
        created += 1
    return created
