"""Timeline templates: a partnership copies a built-in plan, then edits its own copy."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from accounts.audit import audit_record
from accounts.models import AuditEvent, Partnership, User

from ..models import CalendarKind, TimelineStep, TimelineTemplate

STEP_FIELDS = ["position", "key", "label", "anchor", "offset", "unit", "direction",
               "window_start", "calendar", "met_by", "responsible_role",
               "responsible_is_agency",
               "remind_days_before", "remind_on_day", "remind_daily_when_overdue",
               "escalate_after"]


@transaction.atomic
def template_adopt(*, actor: User | None, partnership: Partnership,
                   builtin: TimelineTemplate) -> TimelineTemplate:
    """Copy a built-in template into the partnership and make it the one in use.

    Deadlines already created keep the steps they were made from; new anchors use the copy.
    """
    if not builtin.is_builtin:
        raise ValidationError("Choose one of the built-in plans")
    name = builtin.name
    taken = set(TimelineTemplate.objects.filter(partnership=partnership)
                .values_list("name", flat=True))
    suffix = 2
    while name in taken:
        name, suffix = f"{builtin.name} ({suffix})", suffix + 1
    TimelineTemplate.objects.filter(partnership=partnership, is_active=True).update(
        is_active=False)
    copy = TimelineTemplate.objects.create(
        partnership=partnership, name=name, description=builtin.description,
        source=builtin.source, is_active=True)
    TimelineStep.objects.bulk_create(
        TimelineStep(template=copy, **{f: getattr(step, f) for f in STEP_FIELDS})
        for step in builtin.steps.all()
    )
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=copy,
                 detail={"copied_from": builtin.pk})
    return copy


def _editable(template: TimelineTemplate) -> None:
    if template.is_builtin:
        raise ValidationError("Built-in plans cannot be changed. Use a copy")


def _queue_step_recompute(step: TimelineStep) -> None:
    from .recompute import deadlines_recompute_request

    deadlines_recompute_request(partnership=step.template.partnership_id, step_ids=[step.pk])


@transaction.atomic
def template_step_update(*, actor: User | None, step: TimelineStep, **changes) -> TimelineStep:
    """Change a step; its open deadlines are recomputed in the background.

    The step is read again from the database: a model form has already written the new
    values onto the instance it was given, and the rules compare against what is stored."""
    step = TimelineStep.objects.select_for_update(of=("self",)).select_related(
        "template").get(pk=step.pk)
    _editable(step.template)
    unknown = set(changes) - set(STEP_FIELDS)
    if unknown:
        raise ValueError(f"Not step fields: {sorted(unknown)}")
    if step.is_statutory and changes.get("calendar", step.calendar) != CalendarKind.STATUTORY:
        raise ValidationError({"calendar": "This is a time limit set in law, so it counts "
                                           "England's bank holidays only, never your "
                                           "closure days"})
    if "anchor" in changes and changes["anchor"] != step.anchor and step.deadlines.exists():
        raise ValidationError({"anchor": "Deadlines already count from this step's event. "
                                         "Add a new step instead"})
    for field, value in changes.items():
        setattr(step, field, value)
    step.full_clean()
    step.save()
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=step,
                 partnership=step.template.partnership, detail={"fields": sorted(changes)})
    _queue_step_recompute(step)
    return step


def _new_key(template: TimelineTemplate, label: str) -> str:
    """A key for a step added in the editor: from its name, unique in the plan."""
    base = slugify(label).replace("-", "_")[:50] or "step"
    taken = set(template.steps.values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


@transaction.atomic
def template_step_create(*, actor: User | None, template: TimelineTemplate,
                         **fields) -> TimelineStep:
    _editable(template)
    if not fields.get("key"):
        fields["key"] = _new_key(template, fields.get("label", ""))
    if "position" not in fields:
        last = template.steps.order_by("-position").values_list("position", flat=True).first()
        fields["position"] = (last or 0) + 1
    step = TimelineStep(template=template, **fields)
    step.full_clean()
    step.save()
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=step,
                 partnership=template.partnership)
    return step


@transaction.atomic
def template_step_delete(*, actor: User | None, step: TimelineStep) -> None:
    _editable(step.template)
    if step.deadlines.exists():
        raise ValidationError("Cases already have deadlines from this step, so it cannot be "
                              "removed. Change its reminders instead")
    audit_record(action=AuditEvent.Action.DELETE, actor=actor, obj=step,
                 partnership=step.template.partnership)
    step.delete()
