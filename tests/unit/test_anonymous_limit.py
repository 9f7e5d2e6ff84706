"""The anonymous callers' rate limit (gateway/anonymous.py): a token bucket per client address, and whose
X-Forwarded-For is believed."""
from __future__ import annotations

from gateway.anonymous import AnonymousLimit, proxies


def test_a_burst_of_the_minutes_calls_then_one_per_interval():
    limit = AnonymousLimit(60)
    assert all(limit.take("a", 0.0) is None for _ in range(60))
    assert limit.take("a", 0.0) == 1.0
    assert limit.take("b", 0.0) is None  # each address its own bucket
    assert limit.take("a", 1.0) is None and limit.take("a", 1.0) is not None


def test_forwarded_for_is_believed_only_from_a_trusted_proxy():
    limit = AnonymousLimit(60, proxies("10.0.0.0/8, 127.0.0.1"))
    assert limit.client("10.1.2.3", "203.0.113.7, 10.9.9.9") == "203.0.113.7"  # the last hop not a proxy
    assert limit.client("198.51.100.1", "203.0.113.7") == "198.51.100.1"  # an untrusted peer's header: ignored
    assert limit.client("127.0.0.1", None) == "127.0.0.1"
    assert limit.client("10.1.2.3", "not-an-address, 10.0.0.2") == "not-an-address"


def test_the_buckets_are_bounded():
    limit = AnonymousLimit(1)
    limit.MAX_CLIENTS = 2
    for client in "abc":
        limit.take(client, 0.0)
    assert limit.take("a", 0.0) is None  # the least recently seen was dropped: a fresh bucket
