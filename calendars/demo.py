"""Demo deadlines: the demo partnership's plan."""

from __future__ import annotations

from accounts.models import Partnership

from . import services
from .models import TimelineTemplate

DEMO_PLAN = "15 working day plan (North East Lincolnshire)"


def adopt_demo_plan(partnership: Partnership) -> None:
    if not TimelineTemplate.objects.filter(partnership=partnership, is_active=True).exists():
        services.template_adopt(actor=None, partnership=partnership,
                                builtin=TimelineTemplate.objects.get(partnership__isnull=True,
                                                                     name=DEMO_PLAN))
