"""The rapid review report's structure: seed 002 Appendix G's headings in order, and the
criteria it is assessed against (seed 000, seed 002 chapter 2).

``ReviewReport.sections`` is keyed by ``SECTIONS``' keys and ``ReviewReport.criteria`` by
``ASSESSED_CRITERIA``' codes; both the pages and the documents walk these lists, so the
report always reads in the Appendix's order.
"""

from __future__ import annotations

from cases.models import TRIAGE_CRITERIA

SECTIONS: list[tuple[str, str, str]] = [
    ("introduction", "Introduction",
     "Why the rapid review was commissioned and what it is intended to do."),
    ("methodology", "Methodology",
     "When the Panel was notified and the partnership informed, how the information was "
     "gathered, who met to complete the report and when, and who signs it off."),
    ("scope", "Scope",
     "The period the review focuses on, and any earlier history included."),
    ("contributors", "Contributors",
     "The agencies and others who contributed, including nil returns."),
    ("family_composition", "Family composition",
     "The child and the significant others, with their relationship to the child."),
    ("incident", "The incident",
     "Details of the incident that triggered the review: the high level facts, including "
     "date, location and the individuals involved."),
    ("case_summary", "Case summary",
     "A concise summary of the facts, so far as they can be ascertained, about the serious "
     "incident and relevant context: enough to underpin the analysis against the criteria, "
     "without lengthy chronologies of agency involvement."),
    ("recent_history", "Recent history (review scope)",
     "What happened within the scope period."),
    ("background", "Background",
     "Any other relevant background to the case, before the scope period."),
    ("worked_well", "What worked well?",
     "An analysis of what worked well in the case."),
    ("worried_about", "What are we worried about?",
     "An analysis of what has not worked well in this case and where improvements may be "
     "required."),
    ("learning_points", "Provisional learning points",
     "A summary of any immediate learning established and the plans for its dissemination."),
    ("initial_actions", "Initial actions",
     "Any immediate actions taken to safeguard the individuals involved, and actions taken by "
     "partners following the incident."),
    ("conclusions", "Conclusions and recommendations",
     "The review group's consideration of the criteria for a local child safeguarding practice "
     "review, and its recommendations."),
]
SECTION_KEYS = [key for key, _heading, _guidance in SECTIONS]
HEADINGS = {key: heading for key, heading, _guidance in SECTIONS}

# The assessment is against the LCSPR criteria and the circumstances the Panel's guidance
# asks about; the triage-only groups (the definition, learning reviews) are not reassessed.
ASSESSMENT_GROUPS = ("LCSPR criteria", "Circumstances")
ASSESSED_CRITERIA: list[tuple[str, str, str]] = [
    (code, group, label) for code, group, label in TRIAGE_CRITERIA
    if group in ASSESSMENT_GROUPS]
CRITERION_LABELS = {code: label for code, _group, label in ASSESSED_CRITERIA}

MET_CHOICES = [("yes", "Yes"), ("no", "No"), ("not_known", "Not known")]
MET_WORDS = {"yes": "Met", "no": "Not met", "not_known": "Not known"}

# Non-section parts of a revision (``ReportRevision.part``), with their headings.
PART_HEADINGS = {
    **HEADINGS,
    "start": "Report started from the record",
    "assessment": "Assessment against the criteria",
    "decision": "Decision",
    "learning_items": "Learning points and initial actions",
}


def assessment_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The assessed criteria as (group, [(code, label)]) in the order TRIAGE_CRITERIA has."""
    return [(group, [(code, label) for code, g, label in ASSESSED_CRITERIA if g == group])
            for group in ASSESSMENT_GROUPS]
