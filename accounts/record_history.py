"""Row history in words, for the page showing who changed a case's records: each change
named by what the record is and each column by its field's label, values as a person
reads them (a choice's label, a date, "blank"), never a table, column or key."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

from .models import RecordChange

LONGEST = 160  # characters of a long text shown before "…"


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class ChangeShown:
    change: RecordChange
    what: str
    fields: list[FieldChange]


@cache
def _models_by_table() -> dict[str, type[models.Model]]:
    return {model._meta.db_table: model for model in apps.get_models()}


def _value(field: models.Field, value) -> str:
    if value is None or value == "":
        return "blank"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = timezone.localtime(datetime.datetime.fromisoformat(value))
        return f"{moment.day} {moment:%b %Y %H:%M}"
    if isinstance(field, models.DateField) and isinstance(value, str):
        day = datetime.date.fromisoformat(value)
        return f"{day.day} {day:%b %Y}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return "changed"
    text = str(value)
    return text if len(text) <= LONGEST else text[:LONGEST] + "…"


def change_shown(change: RecordChange) -> ChangeShown:
    """One change in words. Keys and links to other records mean nothing to a reader, nor
    do the timestamps the service keeps for itself (``auto_now``): they are left out, and
    so are a deleted row's blank fields."""
    model = _models_by_table().get(change.table_name)
    fields = {f.column: f for f in model._meta.concrete_fields} if model else {}
    deleted = change.operation == RecordChange.Operation.DELETE
    shown = []
    for column, before in change.before.items():
        field = fields.get(column)
        if field is None or field.primary_key or field.is_relation \
                or getattr(field, "auto_now", False) or deleted and before in (None, ""):
            continue
        shown.append(FieldChange(capfirst(str(field.verbose_name)), _value(field, before),
                                 "deleted" if deleted else _value(field, change.after.get(column))))
    what = capfirst(str(model._meta.verbose_name)) if model else "A record"
    return ChangeShown(change, what, shown)
