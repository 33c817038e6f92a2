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

from .models import Action, ActionPlan, Source


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
