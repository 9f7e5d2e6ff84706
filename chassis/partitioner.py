"""Kafka's default key → partition mapping (murmur2, as the Java client), faster than aiokafka's.

aiokafka hashes byte by byte in Python; reading the key as 32-bit words does the same arithmetic in a
quarter of the steps. The result must be identical to the Java client's (and aiokafka's): a stream's
events keep their partition across relays, versions and the republish tool, which keeps them in order.
"""
from __future__ import annotations

import random
import struct
from functools import lru_cache

_SEED, _M, _MASK = 0x9747B28C, 0x5BD1E995, 0xFFFFFFFF


@lru_cache(maxsize=64)
def _words(count: int) -> struct.Struct:
    return struct.Struct(f"<{count}I")


def murmur2(data: bytes) -> int:
    length = len(data)
    h = _SEED ^ length
    whole = length & ~3
    for k in _words(length >> 2).unpack_from(data):
        k = (k * _M) & _MASK
        k ^= k >> 24
        h = ((h * _M) & _MASK) ^ ((k * _M) & _MASK)
    extra = length & 3
    if extra >= 3:
        h ^= data[whole + 2] << 16
    if extra >= 2:
        h ^= data[whole + 1] << 8
    if extra >= 1:
        h = ((h ^ data[whole]) * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    return h ^ (h >> 15)


def key_partitioner(key: bytes | None, all_partitions: list[int], available: list[int]) -> int:
    """aiokafka's `DefaultPartitioner` contract: murmur2 of the key, random (among available) without one."""
    if key is None:
        return random.choice(available or all_partitions)
    return all_partitions[(murmur2(key) & 0x7FFFFFFF) % len(all_partitions)]
