"""Benchmarks of xinqing (issue 9): `python -m bench --scale {tiny,full}` or `make bench`.

Speed is measured here, with the machine stated, never asserted in tests. The harness starts its own
PostgreSQL (durable: real fsync) and Kafka through the project's launcher, runs the services as
processes where HTTP is what is measured, and in-process where the chassis is; every benchmark adds
rows to a `Report`, written as markdown with the machine description. On its own:
`python -m bench.import_youth --rows N` (the `xinqing import youth` path, rows/s).
"""
