"""The built-in timeline templates, from the partnerships' procedures in shared/seeds.

Partnerships copy one and edit their copy; these rows are the library they copy from.
Step tuple: key, label, anchor, offset, unit, direction, window_start, role, agency-due,
days-before reminders, escalate after N working days overdue.
"""

WD, HOURS, MONTHS = "working_days", "hours", "calendar_months"
AFTER, BEFORE = "after", "before"
BUO, BM, PARTNER = "business_unit_officer", "business_manager", "partner_representative"

NOTIFY_PANEL = ("notify_panel", "Notify the National Panel", "became_aware", 5, WD, AFTER,
                None, BUO, False, [2, 1], 1)
REPORT_TO_PARTNERS = ("report_to_partners", "Report the incident to the safeguarding partners",
                      "became_aware", 5, WD, AFTER, None, BUO, False, [1], 1)
AGENCY_RETURNS = ("agency_returns_due", "Agency returns due", "information_request_sent", 5,
                  WD, AFTER, None, "", True, [2, 1], 1)
SUBMIT_15 = ("submit_rapid_review", "Submit rapid review to the Panel", "notification_sent",
             15, WD, AFTER, None, BM, False, [5, 2, 1], 1)
LCSPR_6_MONTHS = ("complete_lcspr", "Complete the LCSPR (6 month target)",
                  "decision_to_commission_lcspr", 6, MONTHS, AFTER, None, BM, False, [20, 5], 5)
FINAL_REPORT = ("send_final_lcspr_report",
                "Send final LCSPR report to Panel, Secretary of State and Ofsted",
                "planned_publication", 7, WD, BEFORE, None, BM, False, [5, 2, 1], 1)

TEMPLATES = [
    {
        "name": "Statutory minimum (Working Together 2023)",
        "source": "Working Together to Safeguard Children 2023, chapter 5; shared/seeds 001",
        "description": "Only the statutory time limits: notification within 5 working days, "
                       "rapid review within 15, final LCSPR report 7 working days before "
                       "publication.",
        "steps": [NOTIFY_PANEL, REPORT_TO_PARTNERS, SUBMIT_15, LCSPR_6_MONTHS, FINAL_REPORT],
    },
    {
        "name": "15 working day plan (North East Lincolnshire)",
        "source": "shared/seeds 003, flowcharts 1 to 3 (SCSI-1 to SCSI-7, SRG-8, Letter 9)",
        "description": "Day-by-day plan: letters on day 1 and 2, agency returns on day 7, "
                       "collation on day 8, meeting on day 11, partners sign on day 14, "
                       "submission on day 15.",
        "steps": [
            NOTIFY_PANEL,
            ("inform_partners", "Inform the safeguarding partners (SCSI-2)", "notification_sent",
             1, WD, AFTER, None, BUO, False, [], 1),
            ("schedule_meeting", "Schedule the rapid review meeting for working day 11",
             "notification_sent", 1, WD, AFTER, None, BUO, False, [], 2),
            ("send_group_letters", "Send letters to the review group and partners (SCSI-3, "
             "SCSI-4)", "notification_sent", 2, WD, AFTER, None, BUO, False, [1], 1),
            ("send_information_requests", "Send information requests to agencies (SCSI-5, "
             "SCSI-6)", "notification_sent", 2, WD, AFTER, None, BUO, False, [1], 1),
            AGENCY_RETURNS,
            ("collate_returns", "Collate returns into the rapid review report (SCSI-7)",
             "notification_sent", 8, WD, AFTER, None, BUO, False, [1], 1),
            ("rapid_review_meeting", "Rapid review meeting", "notification_sent", 11, WD, AFTER,
             None, BUO, False, [3, 1], 1),
            ("send_decision_record", "Send the decision record to the partners (SRG-8)",
             "notification_sent", 12, WD, AFTER, None, BUO, False, [1], 1),
            ("partners_sign", "Partners sign decision record", "notification_sent", 14, WD,
             AFTER, None, PARTNER, False, [2, 1], 1),
            SUBMIT_15[:1] + ("Submit rapid review to the Panel (Letter 9)",) + SUBMIT_15[2:],
            LCSPR_6_MONTHS,
            FINAL_REPORT,
        ],
    },
    {
        "name": "Rapid review plan (Lincolnshire)",
        "source": "shared/seeds 002, chapter 2 and Appendix C",
        "description": "Review group told within 24 hours, terms of reference meeting within "
                       "48 hours, rapid review panel meetings between working days 8 and 13, "
                       "sign-off on day 14, submission on day 15.",
        "steps": [
            NOTIFY_PANEL,
            REPORT_TO_PARTNERS,
            ("inform_review_group", "Tell the review group (SIRG) a rapid review has started",
             "triage_decided", 24, HOURS, AFTER, None, BM, False, [], 1),
            ("terms_of_reference_meeting", "Hold the terms of reference meeting",
             "triage_decided", 48, HOURS, AFTER, None, BM, False, [], 1),
            AGENCY_RETURNS,
            ("rapid_review_meeting", "Rapid review panel meetings", "notification_sent", 13, WD,
             AFTER, 8, BUO, False, [3, 1], 1),
            ("partners_sign", "Partners sign decision record", "notification_sent", 14, WD,
             AFTER, None, PARTNER, False, [2, 1], 1),
            SUBMIT_15,
            LCSPR_6_MONTHS,
            FINAL_REPORT,
        ],
    },
    {
        "name": "Rapid review plan (West Midlands)",
        "source": "shared/seeds 004, sections 4.3 to 4.7",
        "description": "Scoping template to agencies within 2 working days of the referral, "
                       "returns within 5, meeting between working days 7 and 13, outcome to "
                       "the Panel within 2 working days of the meeting.",
        "steps": [
            NOTIFY_PANEL,
            ("send_information_requests", "Send the scoping template to agencies (Documents 2 "
             "and 3)", "referral_received", 2, WD, AFTER, None, BUO, False, [1], 1),
            AGENCY_RETURNS,
            ("rapid_review_meeting", "Rapid review meeting", "referral_received", 13, WD, AFTER,
             7, BUO, False, [3, 1], 1),
            ("send_outcome_to_panel", "Send the rapid review outcome to the Panel (Document 5)",
             "meeting_held", 2, WD, AFTER, None, BM, False, [1], 1),
            SUBMIT_15,
            LCSPR_6_MONTHS,
            FINAL_REPORT,
        ],
    },
]




def install(template_model, step_model) -> int:
    """Create the built-in templates that are missing (used by the migration and tests)."""
    created = 0
    for data in TEMPLATES:
        if template_model.objects.filter(partnership=None, name=data["name"]).exists():
            continue
        template = template_model.objects.create(partnership=None, name=data["name"],
                                                 source=data["source"],
                                                 description=data["description"])
        for position, step in enumerate(data["steps"], start=1):
            (key, label, anchor, offset, unit, direction, window_start, role, agency,
             days_before, escalate) = step
            step_model.objects.create(
                template=template, position=position, key=key, label=label, anchor=anchor,
                offset=offset, unit=unit, direction=direction, window_start=window_start,
                responsible_role=role, responsible_is_agency=agency,
                remind_days_before=days_before, remind_on_day=True,
                remind_daily_when_overdue=True, escalate_after=escalate,
            )
        created += 1
    return created
