"""The gateway: one GraphQL API over read models built from Kafka; mutations go to the owning service."""
