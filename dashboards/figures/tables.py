"""The figures as named tables: what the page shows (with a chart beside some), what each
CSV file holds, the spreadsheet's sheets and the yearly report's tables. One builder, so the
four can never disagree.

Several partnerships (a regional service) are shown side by side: a column each, and a
column for them all.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from accounts.models import Partnership

from . import selectors
from .categories import GROUPS
from .selectors import TRIAGE, VOLUMES, Period

SHORT = {"notification": "Notifications", "rapid_review": "Rapid reviews",
         "lcspr": "LCSPRs in 6 months", "final_report": "Final reports"}


@dataclass
class FigureTable:
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    intro: str = ""
    # (label, value) pairs for a bar chart beside the table, and what the values are.
    chart: list[tuple[str, float]] = field(default_factory=list)
    chart_unit: str = ""
    empty: str = "None in this period."


@dataclass
class Figures:
    period: Period
    partnerships: list[Partnership]
    tables: list[FigureTable]

    def table(self, key: str) -> FigureTable | None:
        return next((t for t in self.tables if t.key == key), None)

    @property
    def side_by_side(self) -> bool:
        return len(self.partnerships) > 1


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _per_cent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _columns(partnerships: list[Partnership]) -> list[str]:
    return [p.name for p in partnerships] + (["All"] if len(partnerships) > 1 else [])


def _wide(values: list[int]) -> list[int]:
    return values + ([sum(values)] if len(values) > 1 else [])


def figures_build(partnerships: list[Partnership], period: Period, today: datetime.date,
                  *, yearly: bool = False) -> Figures:
    """Every table for the period. ``yearly``: with the findings and the actions not taken
    (the yearly report's, and their CSV files)."""
    ids = [p.pk for p in partnerships]
    results, late = selectors.timeliness(partnerships, period, today)
    counts = selectors.volumes(partnerships, period)
    theme_counts = selectors.themes(partnerships, period)
    several = len(partnerships) > 1
    tables = []

    rows = [[r.measure.label, r.partnership, r.on_time, r.total,
             _number(_per_cent(r.on_time, r.total)), _number(r.median)] for r in results]
    chart = [(SHORT[r.measure.key] + (f" ({r.partnership})" if several else ""),
              _per_cent(r.on_time, r.total) or 0) for r in results if r.total]
    tables.append(FigureTable(
        "timeliness", "Timeliness", ["Time limit", "Partnership", "On time", "Total",
                                     "Per cent on time", "Median working days"], rows,
        intro="Each time limit that fell due in the period, judged on England's bank "
              "holidays where the limit is set in law. A step still not done after its due "
              "date counts as late. The median is the working days taken (for the final "
              "report, the working days before publication it was sent).",
        chart=chart, chart_unit="%"))
    tables.append(FigureTable(
        "late", "Late", ["Time limit", "Partnership", "Case", "Due", "Done",
                         "Working days late", "Reason recorded"],
        [[x.measure.label, x.partnership, x.reference, x.due_on.strftime("%-d %B %Y"),
          x.done_on.strftime("%-d %B %Y") if x.done_on else "Not done yet",
          x.working_days_late, x.reason or "No reason recorded"] for x in late],
        empty="Nothing was late in this period."))

    columns = _columns(partnerships)
    rows = [[label, *_wide([counts[i][key] for i in ids])] for key, label in VOLUMES]
    tables.append(FigureTable("volumes", "Volumes and outcomes", ["Figure", *columns], rows,
                              intro="Counted by the date each happened."))
    rows = [[label, *_wide([counts[i][f"triage_{value}"] for i in ids])]
            for value, label in TRIAGE]
    tables.append(FigureTable("triage", "Triage decisions by pathway", ["Decision", *columns],
                              rows, intro="The review group's decisions at meetings in the "
                                          "period.",
                              chart=[(r[0], r[-1]) for r in rows]))

    rows = []
    for category, groups in GROUPS.items():
        rows += [[category, group, *_wide([theme_counts[i].get((category, group), 0)
                                           for i in ids])] for group in groups]
    characteristics = sorted({g for i in ids for (c, g) in theme_counts[i]
                              if c.startswith("Characteristics")})
    rows += [["Characteristics of the incident (notifications)", g,
              *_wide([theme_counts[i].get(("Characteristics of the incident (notifications)",
                                            g), 0) for i in ids])] for g in characteristics]
    tables.append(FigureTable(
        "themes", "Themes and characteristics", ["Category", "Group", *columns], rows,
        intro="The children named in the notifications made to the Panel in the period, in "
              "the categories of the national statistics; the characteristics recorded at "
              "referral once for each notification.",
        chart=[(r[1], r[-1]) for r in rows if r[0] == "Age at the incident"]))

    if yearly:
        tables.append(FigureTable(
            "findings", "Findings and recommendations",
            ["Partnership", "Case", "Recommendation", "Finding", "Recommended",
             "From", "Actions", "Complete", "Not implemented"],
            [[f.partnership, f.reference, f.number, f.finding, f.recommendation, f.source,
              f.actions, f.complete, f.not_implemented]
             for f in selectors.findings(partnerships, period)],
            intro="The recommendations of the action plans open during the period, and what "
                  "became of their actions."))
        tables.append(FigureTable(
            "not-taken", "Actions not taken, and why",
            ["Partnership", "Case", "Action", "Agency", "What was to be done",
             "Why it was not implemented"],
            [[x.partnership, x.reference, x.action, x.agency, x.text, x.reason]
             for x in selectors.actions_not_taken(partnerships, period)],
            empty="Every action was taken or is still under way."))
    return Figures(period, partnerships, tables)


TABLE_KEYS = ["timeliness", "late", "volumes", "triage", "themes", "findings", "not-taken"]
