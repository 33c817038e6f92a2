"""The action plan as a document (DOCX and PDF, landscape A4): the paper the group reads at
its meetings and the board signs off. It names the case by its reference only, as the
partnership's other papers do."""

from __future__ import annotations

import datetime

from accounts.models import User
from cases.documents import (
    DocumentContent,
    Heading,
    Paragraph,
    SummaryList,
    Table,
    document_generate,
)
from cases.models import CaseDocument

from .models import Action, ActionPlan, SevenMinuteBriefing, Source


def _date(value: datetime.date | None) -> str:
    return f"{value:%-d %B %Y}" if value else "Not set"


def action_status_text(action: Action) -> str:
    """The status as the plan states it, with the business unit's judgement of impact."""
    if action.status == Action.Status.COMPLETE:
        return {Action.Impact.EVIDENCED: "Complete: impact evidenced",
                Action.Impact.MORE_NEEDED: "Complete: more evidence asked for"}.get(
            action.impact, "Complete: evidence being reviewed")
    if action.status == Action.Status.NOT_IMPLEMENTED:
        return f"Not implemented: {action.not_implemented_reason}"
    return action.get_status_display()


def plan_recommendations(plan: ActionPlan) -> list:
    """The recommendations with their actions and agencies, in two queries."""
    return list(plan.recommendations.prefetch_related("actions__agency"))


def plan_content(plan: ActionPlan, recommendations: list | None = None) -> DocumentContent:
    case = plan.case
    recommendations = plan_recommendations(plan) if recommendations is None else recommendations
    sources = sorted({Source(r.source).label.split(":")[0] for r in recommendations})
    actions = [a for r in recommendations for a in r.actions.all()]
    content = DocumentContent(title="Action plan", partnership=case.partnership.name,
                              case_reference=case.reference, landscape=True)
    content.add(SummaryList([
        ("Case", case.reference),
        ("Status", plan.get_status_display()),
        ("Monitored by", plan.group_name),
        ("Learning from", ", ".join(sources) or "None taken up yet"),
        ("Actions", f"{len(actions)} in all: "
                    f"{sum(a.impact == Action.Impact.EVIDENCED for a in actions)} with impact "
                    f"evidenced, "
                    f"{sum(a.status == Action.Status.NOT_IMPLEMENTED for a in actions)} not "
                    f"implemented"),
        *([("Signed off", f"{_date(plan.signed_off_on)} by {plan.board_name}")]
          if plan.signed_off_on else []),
    ]))
    for recommendation in recommendations:
        content.add(Heading(f"Recommendation {recommendation.number}"))
        if recommendation.finding:
            content.add(Paragraph(f"Finding: {recommendation.finding}"))
        content.add(Paragraph(recommendation.text))
        rows = [[a.reference, a.text, f"{a.agency.name}\n{a.lead}".strip(), _date(a.due_on),
                 a.outcome, a.measure, action_status_text(a)]
                for a in recommendation.actions.all()]
        if rows:
            content.add(Table(["", "Action", "Agency and lead", "Due", "Expected outcome",
                               "Measure of impact", "Status"], rows,
                              widths=(5, 22, 14, 9, 17, 17, 16), compact=True))
        else:
            content.add(Paragraph("No actions agreed yet."))
    return content


def action_plan_document(*, actor: User | None, plan: ActionPlan) -> CaseDocument:
    """The plan as it stands, stored as the next version when it changed."""
    return document_generate(actor=actor, case=plan.case, kind=CaseDocument.Kind.ACTION_PLAN,
                             content=plan_content(plan))


# The seven-minute briefing -------------------------------------------------------------------
BRIEFING_DEFAULTS = {
    "background": "The partnership reviews serious incidents so that agencies can learn "
                  "from them together. This briefing shares the learning from one review, "
                  "to be read and talked through in about seven minutes, at a team meeting "
                  "or supervision.",
    "why_it_matters": "The learning applies to every practitioner who works with children "
                      "and families, not only those involved in this review.",
    "questions": "What does this learning mean for the children and families you work "
                 "with?\nWhat will you do differently as a result?",
    "further_information": "Speak to your agency's safeguarding lead, or contact the "
                           "partnership's business unit.",
}


def briefing_learning(plan: ActionPlan, recommendations: list) -> list[str]:
    """The review's learning: the plan's findings, then the rapid review's learning points
    not already among them (each once)."""
    from rapid_review.models import LearningItem

    points: list[str] = []
    for recommendation in recommendations:
        if recommendation.finding and recommendation.finding not in points:
            points.append(recommendation.finding)
    items = LearningItem.objects.filter(report__review__case_id=plan.case_id,
                                        kind=LearningItem.Kind.LEARNING_POINT).order_by("pk")
    for text in items.values_list("text", flat=True):
        if text not in points:
            points.append(text)
    return points


def _reviews(recommendations: list) -> str:
    names = {Source.RAPID_REVIEW_LEARNING: "a rapid review",
             Source.RAPID_REVIEW_ACTION: "a rapid review",
             Source.LCSPR: "a local child safeguarding practice review",
             Source.LEARNING_REVIEW: "a local learning review"}
    found = list(dict.fromkeys(names[r.source] for r in recommendations if r.source in names))
    return " and ".join(found) or "a review"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def briefing_content(plan: ActionPlan, briefing=None,
                     recommendations: list | None = None) -> DocumentContent:
    """Seven numbered sections in the shape partnerships use for seven-minute briefings.
    The case is named by its reference only: never the child."""
    case = plan.case
    recommendations = plan_recommendations(plan) if recommendations is None else recommendations
    words = {name: (getattr(briefing, name, "") or "").strip() or default
             for name, default in BRIEFING_DEFAULTS.items()}
    content = DocumentContent(title="Seven-minute briefing", partnership=case.partnership.name,
                              case_reference=case.reference)
    content.add(Paragraph(f"Learning from {_reviews(recommendations)} ({case.reference}), "
                          f"shared by {case.partnership.name}."))
    content.add(Heading("1. Background"), *[Paragraph(p) for p in _lines(words["background"])])
    content.add(Heading("2. Why it matters"),
                *[Paragraph(p) for p in _lines(words["why_it_matters"])])
    content.add(Heading("3. What happened"), Paragraph(
        f"The partnership reviewed the multi-agency response in case {case.reference} "
        f"through {_reviews(recommendations)}. The agencies involved shared their records "
        "and met to consider what happened, what worked well and what needs to change. "
        "To protect the child and family, this briefing does not name them or describe "
        "them in a way that could identify them."))
    content.add(Heading("4. Learning"))
    learning = briefing_learning(plan, recommendations)
    content.add(*[Paragraph(f"{n}. {text}") for n, text in enumerate(learning, start=1)]
                or [Paragraph("The review's learning points are still being agreed.")])
    content.add(Heading("5. What this means for practice"))
    if recommendations:
        content.add(Paragraph("The partnership has agreed these recommendations, each with "
                              "actions its agencies are carrying out:"))
        content.add(*[Paragraph(f"Recommendation {r.number}: {r.text}")
                      for r in recommendations])
    else:
        content.add(Paragraph("The partnership's recommendations are still being agreed."))
    content.add(Heading("6. Questions for practitioners"),
                *[Paragraph(p) for p in _lines(words["questions"])])
    content.add(Heading("7. Further information"),
                *[Paragraph(p) for p in _lines(words["further_information"])])
    return content


def seven_minute_briefing_document(*, actor: User | None, plan: ActionPlan) -> CaseDocument:
    """The briefing as it stands, stored as the next version when it changed."""
    briefing = SevenMinuteBriefing.objects.filter(plan=plan).first()
    return document_generate(actor=actor, case=plan.case,
                             kind=CaseDocument.Kind.SEVEN_MINUTE_BRIEFING,
                             content=briefing_content(plan, briefing))
