"""The SMART check (issue 13), tested on the partnerships' own wording.

Seed sentences are quoted from /work/shared/seeds (see INDEX.md) and cited as
seed:line. They are written as procedure, not as actions, but they are the wording
recommendations in these partnerships are written in, so the check must catch them.
"""

import datetime

import pytest

from actionplans.smart import MESSAGES, VAGUE_VERBS, SmartFlag, smart_check
from calendars.models import CalendarDay
from calendars.services import calendar_day_add, calendar_for
from calendars.working_days import WorkingDayCalendar, default_calendar
from tests.factories import PartnershipFactory

SATURDAY = datetime.date(2027, 6, 5)
FRIDAY = datetime.date(2027, 6, 4)
SPRING_BANK_HOLIDAY = datetime.date(2027, 5, 31)  # Monday
BOXING_DAY_OBSERVED = datetime.date(2026, 12, 28)  # Monday, substitute day
WEDNESDAY = datetime.date(2027, 6, 30)

OWNER = "LSCP Business Manager"
MEASURE = "Audit of 10 case files by 31 March 2028 shows the change in practice"


def complete(text: str, **overrides) -> dict:
    """Every field filled, so only the rule under test can flag."""
    return {"text": text, "owner": OWNER, "due_on": WEDNESDAY, "measure": MEASURE,
            **overrides}


def codes(flags: list[SmartFlag]) -> list[str]:
    return [flag.code for flag in flags]


def vague(text: str, measure: str = "") -> list[SmartFlag]:
    """Only the vague-verb flag (other fields filled; measure as given, may be blank)."""
    flags = smart_check(**complete(text, measure=measure))
    return [flag for flag in flags if flag.code == "vague_verb"]


# ------------------------------------------------------------------ vague verbs, seeds

SEED_VAGUE = [
    # 002:329, "Recommendations should be SMART" list
    ("Communicate with the local community and media to raise awareness of the positive "
     "work of services working with children where appropriate.", "Raise awareness"),
    # 002:322
    ("Consider what information needs to be disseminated (how and to whom) in the light of "
     "a review.", "Consider"),
    # 002:326
    ("Ensure robust monitoring of the resultant action plan to ensure identified "
     "changes/improvements are implemented and embedded.", "Ensure"),
    # 001:45 (rapid review meeting purpose)
    ("Consider the potential for identifying improvements to safeguard and promote the "
     "welfare of children", "Consider"),
    # 001:29
    ("Rapid reviews should identify, collate, and reflect on the facts of the case as "
     "quickly as possible", "Reflect on"),
    # 000:38, what an LCSPR should do
    ("Identify what needs to happen to ensure agencies learn from the case", "Ensure"),
    # 002:399
    ("The LSCP and Media Officer will continue to monitor any media interest.",
     "Continue to"),
    # 002:145
    ("SIRG representatives are responsible for ensuring that any learning from the Rapid "
     "Review is disseminated through their own organisations as appropriate.", "Ensure"),
]


@pytest.mark.parametrize(("text", "label"), SEED_VAGUE)
def test_seed_wording_with_a_vague_verb_and_no_measure_is_flagged(text, label):
    [flag] = vague(text)
    assert flag.field == "text"
    assert flag.message.startswith(f"“{label}” is not measurable on its own: ")


@pytest.mark.parametrize(("text", "label"), SEED_VAGUE)
def test_the_same_seed_wording_passes_with_a_measurable_measure(text, label):
    assert vague(text, measure="Dip sample of 20 cases in June 2027 shows it done") == []


def test_the_raise_awareness_message_says_what_to_add():
    [flag] = vague(SEED_VAGUE[0][0])
    assert flag == SmartFlag(
        "text", "vague_verb",
        "“Raise awareness” is not measurable on its own: say what will change and how you "
        "will know, for example the proportion of staff trained by a date")


def test_seed_wording_with_an_audit_is_measurable():
    # 003:136: "ensure ... embedded" but the outcome is checked by an audit.
    text = ("The safeguarding partners may decide to request that an independent scrutiny "
            "officer complete an audit/assurance event to ensure improvements are embedded "
            "into multi-agency practice")
    assert vague(text) == []
    assert codes(vague(text.replace("an audit/assurance event", "an assurance event"))) == [
        "vague_verb"]


def test_seed_wording_with_no_vague_verb_is_not_flagged_as_vague():
    # 002:1148, Appendix C timeline
    assert vague("LSCP Business Manager to produce a draft Action Plan to be agreed at SIRG") == []


# ------------------------------------------------------------------ SMART rewrites

SMART_REWRITES = [
    # of 002:329
    dict(text="Publish two accounts of positive multi-agency work with children on the LSCP "
              "website and in the local press",
         owner="LSCP Communications Officer",
         measure="Two accounts published; the number of page views reported to SIRG"),
    # of 002:322: the vague verb stays, the measure makes it checkable
    dict(text="Consider what information from the review needs to be disseminated, how and "
              "to whom, and agree a dissemination plan at SIRG",
         owner="SIRG chair",
         measure="Dissemination plan agreed and minuted at SIRG by 30 June 2027"),
    # of 002:326
    dict(text="Report progress on every action in the plan to the Assurance Executive each "
              "quarter",
         owner="LSCP Business Manager",
         measure="Re-audit of 10 closed actions shows 90% are evidenced in practice"),
]


@pytest.mark.parametrize("fields", SMART_REWRITES)
def test_smart_rewrites_of_seed_wording_pass_clean(fields):
    assert smart_check(**fields, due_on=WEDNESDAY, calendar=default_calendar(),
                       check_agency=True) == []


# ------------------------------------------------------------------ every vague rule

@pytest.mark.parametrize("rule", VAGUE_VERBS, ids=lambda rule: rule.label)
def test_every_vague_verb_rule_finds_its_own_phrase(rule):
    [flag] = vague(f"Staff to {rule.label.lower()} the new neglect guidance")
    assert flag.message == MESSAGES["vague_verb"].format(label=rule.label, advice=rule.advice)


@pytest.mark.parametrize("rule", VAGUE_VERBS, ids=lambda rule: rule.label)
def test_every_vague_verb_rule_is_accepted_with_a_measurable_outcome(rule):
    assert vague(f"Staff to {rule.label.lower()} the new neglect guidance",
                 measure="Proportion of staff using the tool rises to 80%") == []


@pytest.mark.parametrize("text", [
    "RAISE AWARENESS of the escalation policy",  # any case
    "Raise staff awareness of the escalation policy",  # words in between
    "Awareness-raising sessions on the escalation policy",
    "The escalation policy will be considered by SIRG",  # passive voice, -ed
    "Staff will be reminded of the escalation policy",
    "Practitioners are made aware of the escalation policy",
    "Learning is embedded across the partnership",
    "Partners looking into the escalation policy",
])
def test_vague_verb_forms_are_flagged(text):
    assert codes(vague(text)) == ["vague_verb"]


@pytest.mark.parametrize("text", [
    "Publish the considerable learning from this review on the website",  # not "consider"
    "Send a reminder letter to the family",  # not "remind"
    "Print promotional leaflets for the front door",  # not "promote"
    "Agree a plan for looked after children placed out of area",  # not "look at"
    "Add domestic abuse awareness to the induction pack",  # not "raise awareness"
    "Publish the exploration of options to the Board",  # not "explore"
    "Record the improvement plan on the partnership website",  # not "improve"
])
def test_words_that_only_contain_a_vague_verb_are_not_flagged(text):
    assert vague(text) == []


def test_the_first_vague_verb_in_the_text_is_named_not_the_first_rule():
    [flag] = vague("Remind staff to consider the escalation policy")
    assert flag.message.startswith("“Remind”")


@pytest.mark.parametrize(("text", "measure"), [
    ("Consider the 3 themes at SIRG", ""),  # a number
    ("Consider the themes at SIRG", "Themes agreed by March"),  # a month, in the measure
    ("Consider the themes at SIRG", "Reviewed at 31/03/2028 meeting"),  # a date
    ("Consider the themes at SIRG", "Agreed at SIRG in Q3"),  # a quarter
    ("Ensure the number of late referrals falls", ""),
    ("Ensure the proportion of strategy discussions with health present rises", ""),
    ("Ensure all strategy discussions include health", ""),
    ("Ensure every strategy discussion includes health", ""),
    ("Ensure strategy discussions include health", "Evidenced by minutes reviewed at SIRG"),
    ("Ensure strategy discussions include health", "A dip sample of strategy discussions"),
    ("Ensure strategy discussions include health", "Staff survey shows health attend"),
    ("Ensure strategy discussions include health", "Attendance rises by ten per cent"),
])
def test_a_measurable_marker_in_the_text_or_the_measure_accepts_a_vague_verb(text, measure):
    assert vague(text, measure) == []


@pytest.mark.parametrize(("text", "measure"), [
    ("Consider a small change to the escalation policy", ""),  # "all" inside "small"
    ("Ensure everyone is aware of the escalation policy", ""),  # "every" inside "everyone"
    ("Staff may consider the escalation policy", ""),  # the verb "may" is not the month
    ("Ensure strategy discussions include health", "Practitioners feel more confident"),
    ("Ensure strategy discussions include health", "The auditorium is booked"),
])
def test_wording_that_only_looks_measurable_does_not_accept_a_vague_verb(text, measure):
    assert codes(vague(text, measure)) == ["vague_verb"]


# ------------------------------------------------------------------ owner, agency, date, measure

@pytest.mark.parametrize(("overrides", "expected"), [
    ({"owner": ""}, ["no_owner"]),
    ({"owner": "   "}, ["no_owner"]),
    ({"owner": "Designated nurse"}, []),
    ({"due_on": None}, ["no_date"]),
    ({"measure": ""}, ["no_measure"]),
    ({"measure": " \n"}, ["no_measure"]),
    ({"measure": "Audit shows it"}, []),
    ({"check_agency": True, "has_agency": False}, ["no_agency"]),
    ({"check_agency": True, "has_agency": True}, []),
    ({"check_agency": False, "has_agency": False}, []),
])
def test_missing_fields(overrides, expected):
    assert codes(smart_check(**complete("Publish the report", **overrides))) == expected


def test_missing_field_messages():
    flags = smart_check(text="Publish the report", due_on=None, has_agency=False,
                        check_agency=True)
    assert [(flag.field, flag.message) for flag in flags] == [
        ("agency", "Select the agency responsible for this action"),
        ("owner", "Say who owns this action, for example a named lead or role"),
        ("due_on", "Enter the date this action is due"),
        ("measure", MESSAGES["no_measure"]),
    ]


def test_flags_come_in_field_order():
    flags = smart_check(text="Raise awareness of neglect", owner="", has_agency=False,
                        due_on=SATURDAY, measure="", calendar=default_calendar(),
                        check_agency=True)
    assert [(flag.field, flag.code) for flag in flags] == [
        ("text", "vague_verb"), ("agency", "no_agency"), ("owner", "no_owner"),
        ("due_on", "not_working_day"), ("measure", "no_measure")]


# ------------------------------------------------------------------ working days

@pytest.fixture
def calendar(db) -> WorkingDayCalendar:
    return calendar_for(PartnershipFactory())


@pytest.mark.parametrize(("day", "shown"), [
    (SATURDAY, "Saturday 5 June 2027"),
    (SPRING_BANK_HOLIDAY, "Monday 31 May 2027"),
    (BOXING_DAY_OBSERVED, "Monday 28 December 2026"),
])
def test_a_weekend_or_bank_holiday_due_date_is_flagged_with_the_date(calendar, day, shown):
    flags = smart_check(**complete("Publish the report", due_on=day, calendar=calendar))
    assert flags == [SmartFlag("due_on", "not_working_day",
                               f"{shown} is not a working day: choose a working day")]


def test_a_working_day_is_not_flagged(calendar):
    assert smart_check(**complete("Publish the report", due_on=FRIDAY, calendar=calendar)) == []


def test_without_a_calendar_the_working_day_rule_is_skipped():
    assert smart_check(**complete("Publish the report", due_on=SATURDAY)) == []


def test_a_date_beyond_the_calendar_is_not_judged(calendar):
    far = datetime.date(calendar.last_year + 1, 1, 6)  # a Saturday in 2041
    assert smart_check(**complete("Publish the report", due_on=far, calendar=calendar)) == []


def test_the_partnerships_own_closures_and_openings_count(db):
    partnership = PartnershipFactory()
    calendar_day_add(actor=None, partnership=partnership, date=FRIDAY,
                     kind=CalendarDay.Kind.CLOSURE, reason="Office move")
    calendar_day_add(actor=None, partnership=partnership, date=SPRING_BANK_HOLIDAY,
                     kind=CalendarDay.Kind.WORKING, reason="Inspection week")
    calendar = calendar_for(partnership)

    def due(day: datetime.date) -> list[str]:
        return codes(smart_check(**complete("Publish the report", due_on=day,
                                            calendar=calendar)))

    assert due(FRIDAY) == ["not_working_day"]
    assert due(SPRING_BANK_HOLIDAY) == []
