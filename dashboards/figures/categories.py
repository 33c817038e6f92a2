"""A notified child's record in the national categories: the groups the Panel's annual
report and DfE's serious incident notification statistics use, so one partnership's figures
compare with another's and with England's (docs/decisions/0014-figures.md says why these).

Pure functions of the stored values: the selectors call them on the rows of one query.
"""

from __future__ import annotations

import datetime
import re

from cases.models import LegalStatus

NATURE = "Nature of the incident"
CONCERN = "Abuse or neglect"
AGE = "Age at the incident"
SEX = "Sex"
ETHNICITY = "Ethnicity"
DISABILITY = "Disability"
LOOKED_AFTER = "Looked-after status"
PLAN = "Child protection plan or child in need"
KNOWN = "Known to agencies"

# The order each category's groups are shown in (every group shown, even at 0).
GROUPS = {
    NATURE: ["Death", "Serious harm", "Not recorded"],
    CONCERN: ["Abuse", "Neglect", "Abuse and neglect", "Neither known or suspected",
              "Not recorded"],
    AGE: ["Under 1", "1 to 5", "6 to 10", "11 to 15", "16 and over", "Not known"],
    SEX: ["Female", "Male", "Other or not known"],
    ETHNICITY: ["White", "Mixed or multiple ethnic groups", "Asian or Asian British",
                "Black, Black British, Caribbean or African", "Other ethnic group",
                "Not known or not recorded"],
    DISABILITY: ["Disability recorded", "No disability recorded"],
    LOOKED_AFTER: ["Looked after", "Not looked after"],
    PLAN: ["Child protection plan", "Child in need", "Neither"],
    KNOWN: ["Known to one or more agencies", "No agency involvement recorded"],
}

# Free-text ethnicity into the five ONS/DfE major groups; the first that matches wins, so
# "Mixed White and Black Caribbean" is Mixed, not White or Black.
ETHNIC_GROUPS = [
    ("Not known or not recorded", r"not known|unknown|refused|not (stated|recorded|obtained)"),
    ("Mixed or multiple ethnic groups", r"mixed|multiple|dual heritage"),
    ("Asian or Asian British", r"asian|indian|pakistani|bangladeshi|chinese"),
    ("Black, Black British, Caribbean or African", r"black|african|caribbean"),
    ("White", r"white|british|irish|gypsy|roma|traveller"),
    ("Other ethnic group", r"arab|other|."),
]
NO_DISABILITY = re.compile(r"^\s*(none|no|n/?a|nil|not known|no disability)?\s*\.?\s*$", re.I)


def age_band(born: datetime.date | None, on: datetime.date | None) -> str:
    if born is None or on is None:
        return "Not known"
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if years < 1:
        return "Under 1"
    for top, band in ((5, "1 to 5"), (10, "6 to 10"), (15, "11 to 15")):
        if years <= top:
            return band
    return "16 and over"


def ethnic_group(text: str) -> str:
    text = (text or "").strip().lower()
    if not text:
        return "Not known or not recorded"
    return next(group for group, pattern in ETHNIC_GROUPS if re.search(pattern, text))


def child_categories(*, date_of_birth, gender, ethnicity, disability, legal_status, known,
                     incident_on, harm, concern) -> list[tuple[str, str]]:
    """(category, group) for each category, one group each."""
    status = {LegalStatus.CHILD_PROTECTION_PLAN: "Child protection plan",
              LegalStatus.CHILD_IN_NEED: "Child in need"}
    return [
        (NATURE, {"death": "Death", "serious_harm": "Serious harm"}.get(harm, "Not recorded")),
        (CONCERN, {"abuse": "Abuse", "neglect": "Neglect", "both": "Abuse and neglect",
                   "none": "Neither known or suspected"}.get(concern, "Not recorded")),
        (AGE, age_band(date_of_birth, incident_on)),
        (SEX, {"female": "Female", "male": "Male"}.get(gender, "Other or not known")),
        (ETHNICITY, ethnic_group(ethnicity)),
        (DISABILITY, "No disability recorded" if NO_DISABILITY.match(disability or "")
         else "Disability recorded"),
        (LOOKED_AFTER, "Looked after" if legal_status == LegalStatus.LOOKED_AFTER
         else "Not looked after"),
        (PLAN, status.get(legal_status, "Neither")),
        (KNOWN, "Known to one or more agencies" if known else "No agency involvement recorded"),
    ]
