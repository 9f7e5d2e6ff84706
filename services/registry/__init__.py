"""Youth registry: the only service that holds personal information (encrypted per person)."""
