"""Shared set-up for the LCSPR tests: the business manager, an opened LCSPR, and a fixed
day (6 January 2027) for the files that freeze time at it."""

import datetime

import pytest
import time_machine

from accounts.models import Role
from tests.lcspr.builders import opened_lcspr

TODAY = datetime.datetime(2027, 1, 6, 12, tzinfo=datetime.UTC)


@pytest.fixture
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def manager(make_user):
    return make_user(Role.BUSINESS_MANAGER)


@pytest.fixture
def lcspr(partnership, manager):
    return opened_lcspr(partnership, manager)
