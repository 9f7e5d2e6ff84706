"""The microservice chassis: what every xinqing service and the gateway stand on.

Event store with optimistic concurrency and a transactional outbox, the outbox relay to Kafka,
exactly-once projection consumers, the CloudEvents envelope, settings, auth, tracing, logs and
HTTP error mapping. Nothing in here knows a domain; reference data shared by all services lives
in `chassis.reference`.
"""
