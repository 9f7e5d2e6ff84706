class LaunchError(Exception):
    """A problem a person can fix; the message is one sentence naming the cause and the remedy."""
