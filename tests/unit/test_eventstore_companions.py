"""Companions of an append: their parameters follow the append's own, in order, each renumbered."""
from __future__ import annotations

from chassis.eventstore import APPEND_PARAMETERS, APPEND_SQL, SKIP_TAKEN, Companion, _with_companions


def test_each_companion_gets_the_parameters_after_the_ones_before_it():
    first = Companion("INSERT INTO a (x, y) VALUES ($1, $2)", (1, 2))
    second = Companion("DELETE FROM b WHERE z = $1 RETURNING z", ("z",), returns=True)
    ctes, columns, args = _with_companions([first, second], APPEND_PARAMETERS + 1)
    assert ctes == (", companion_0 AS (INSERT INTO a (x, y) VALUES ($11, $12))"
                    ", companion_1 AS (DELETE FROM b WHERE z = $13 RETURNING z)")
    assert columns == ", (SELECT jsonb_agg(to_jsonb(r)) FROM companion_1 r) AS companion_1"  # only what returns
    assert args == [1, 2, "z"]
    sql = APPEND_SQL.format(on_conflict=SKIP_TAKEN, companions=ctes, returned=columns)
    assert "$10" in sql and "$13" in sql and "$14" not in sql


def test_a_parameter_number_of_two_digits_is_renumbered_whole():
    ctes, _, _ = _with_companions([Companion(" ".join(f"${i}" for i in range(1, 13)), tuple(range(12)))], 3)
    assert ctes.endswith("$3 $4 $5 $6 $7 $8 $9 $10 $11 $12 $13 $14)")
