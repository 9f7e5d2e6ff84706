"""Starts PostgreSQL, Kafka and the project's processes on loopback, for `xinqing up` and the tests."""
