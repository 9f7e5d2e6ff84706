"""The relay's key → partition mapping must be Kafka's own (Java client, aiokafka): same key, same partition."""
from __future__ import annotations

import os
import uuid

from aiokafka.partitioner import DefaultPartitioner
from aiokafka.partitioner import murmur2 as aiokafka_murmur2

from chassis.partitioner import key_partitioner, murmur2


def test_murmur2_matches_the_java_client_on_its_published_vectors():
    # From the Java client's UtilsTest.testMurmur2 (signed ints there).
    vectors = {b"21": -973932308, b"foobar": -790332482, b"a-little-bit-long-string": -985981536,
               b"a-little-bit-longer-string": -1486304829,
               b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971, b"abc": 479470107}
    for key, signed in vectors.items():
        assert murmur2(key) == signed & 0xFFFFFFFF, key


def test_murmur2_and_partitions_match_aiokafka_for_every_key_length():
    keys = [os.urandom(n) for n in range(0, 80) for _ in range(20)] + [
        f"youth-{uuid.uuid4()}".encode() for _ in range(500)]
    partitions = list(range(6))
    for key in keys:
        assert murmur2(key) == aiokafka_murmur2(key)
        assert key_partitioner(key, partitions, partitions) == DefaultPartitioner()(key, partitions, partitions)


def test_a_message_without_key_goes_to_an_available_partition():
    assert key_partitioner(None, [0, 1, 2], [2]) == 2
    assert key_partitioner(None, [0, 1, 2], []) in (0, 1, 2)
