"""Every row lock that joins other tables locks only its own rows (docs/decisions/0006).

``select_for_update()`` with ``select_related`` locks every joined row on PostgreSQL: the
case and the partnership too, which made two cases of one partnership wait for each other
and signing deadlock with editing. This walks the source, so a new service cannot bring it
back unnoticed.
"""

import ast
from pathlib import Path

from django.conf import settings

APPS = ("accounts", "calendars", "cases", "notifications", "rapid_review", "lcspr", "outbox",
        "dashboards", "records")


def _chain(node: ast.AST) -> list[ast.Call]:
    """The calls of one method chain, outermost first (``a.b().c().d()``)."""
    calls = []
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Call):
            calls.append(node)
            node = node.func
        else:
            node = node.value
    return calls


def _name(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else ""


def joined_locks_without_of(source: str) -> list[int]:
    """Line numbers of chains that lock rows and join others without ``of=``."""
    lines, seen = [], set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or id(node) in seen:
            continue
        chain = _chain(node)
        seen.update(id(c) for c in chain)
        locks = [c for c in chain if _name(c) == "select_for_update"]
        joined = any(_name(c) == "select_related" for c in chain)
        if joined and any(not any(k.arg == "of" for k in lock.keywords) for lock in locks):
            lines.append(node.lineno)
    return lines


def test_the_check_finds_a_joined_lock_without_of():
    assert joined_locks_without_of(
        "Case.objects.select_for_update().select_related('partnership').get(pk=1)") == [1]
    assert joined_locks_without_of(
        "Case.objects.select_related('p').select_for_update().get(pk=1)") == [1]
    assert joined_locks_without_of(
        "Case.objects.select_for_update(of=('self',)).select_related('p').get(pk=1)") == []
    assert joined_locks_without_of("Case.objects.select_for_update().get(pk=1)") == []


def test_no_service_locks_the_rows_it_joins():
    base = Path(settings.BASE_DIR)
    found = []
    for app in APPS:
        for path in sorted((base / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            found += [f"{path.relative_to(base)}:{line}"
                      for line in joined_locks_without_of(path.read_text())]
    assert not found, f"select_for_update with select_related needs of=('self',): {found}"
