import datetime

import pytest

from calendars import services
from calendars.models import TimelineTemplate
from cases.services import case_create

PLAN_003 = "15 working day plan (North East Lincolnshire)"


@pytest.fixture
def plan(partnership):
    builtin = TimelineTemplate.objects.get(partnership__isnull=True, name=PLAN_003)
    return services.template_adopt(actor=None, partnership=partnership, builtin=builtin)


@pytest.fixture
def case(partnership, plan):
    return case_create(actor=None, partnership=partnership)


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)
