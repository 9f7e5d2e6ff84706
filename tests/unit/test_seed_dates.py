"""Synthetic people (demo and city seeds) registered over the past year, so the weekly chart shows history:
every one valid for the registry on its own registration day (pure: the decider, no IO)."""
from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from faker import Faker

from services.registry.api.youth import RegisterYouthRequest
from services.registry.domain.decider import registration
from xinqing.seed import person
from xinqing.seed_city import People

TODAY = date(2026, 11, 29)


def check_spread(people: list[dict]) -> None:
    days = [date.fromisoformat(p["registeredOn"]) for p in people]
    assert min(days) >= TODAY - timedelta(days=364) and max(days) <= TODAY
    weeks = Counter((TODAY - d).days // 7 for d in days)
    assert len(weeks) >= 45  # nearly every week of the year has registrations
    recent, early = sum(n for w, n in weeks.items() if w < 13), sum(n for w, n in weeks.items() if w >= 39)
    assert recent > early  # a programme that grows: more people in the last quarter than in the first
    for i, p in enumerate(people):
        event = registration(RegisterYouthRequest.model_validate(p).command(f"y{i}", TODAY))
        assert event.registered_on == date.fromisoformat(p["registeredOn"])


def test_the_city_seed_spreads_registrations_over_the_past_year():
    people = People(TODAY)
    check_spread([people(i) for i in range(2000)])


def test_the_demo_seed_spreads_registrations_over_the_past_year():
    fake, rng = Faker("zh_CN"), random.Random(2021)
    fake.seed_instance(2021)
    check_spread([person(fake, rng, n, TODAY) for n in range(2000)])
