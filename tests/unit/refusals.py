"""What the domain tests read off a refusal: the fields a ValidationFailed names and the rule a RuleViolated
names — one reading for every aggregate's tests."""
from __future__ import annotations

import pytest

from chassis.decider import Decider
from chassis.errors import RuleViolated, ValidationFailed


def fields_of(exc: pytest.ExceptionInfo) -> set[str]:
    return {e.field for e in exc.value.errors}


def rule_of(exc: pytest.ExceptionInfo) -> str:
    return exc.value.details["rule"]


def refused_fields(decider: Decider, given, command) -> set[str]:
    """The fields named when `decider` refuses `command` on `given` as bad input."""
    with pytest.raises(ValidationFailed) as exc:
        decider.run(given, command)
    return fields_of(exc)


def refused_rule(decider: Decider, given, command) -> str:
    """The rule named when `decider` refuses `command` on `given`."""
    with pytest.raises(RuleViolated) as exc:
        decider.run(given, command)
    return rule_of(exc)
