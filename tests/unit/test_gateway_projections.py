"""The gateway's projections dispatch on the producers' declared event types, and the youth read model's
set-based path acts on the same types as its one-at-a-time path."""
from __future__ import annotations

import pytest

import contracts
from chassis.settings import Settings
from contracts.registry import YouthEvents
from gateway.projections import projections
from gateway.projections import youth as youth_projection

SETTINGS = Settings()


@pytest.mark.parametrize("projection", projections(SETTINGS), ids=lambda p: p.name)
def test_every_handled_type_is_declared_by_a_producer_of_its_topics(projection):
    assert projection.handles, projection.name
    contracts.require_declared(projection.name, [SETTINGS.bare_topic(t) for t in projection.topics],
                               projection.handles)


def test_the_youth_batch_path_folds_the_types_the_one_by_one_path_handles():
    youth = youth_projection.YouthProjection(SETTINGS)
    assert set(youth_projection.FOLDS) | {YouthEvents.REGISTERED} == set(youth.handles)
