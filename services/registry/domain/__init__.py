"""Youth registry deciders: pure rules, no IO (DOMAIN.md, "The people", "Validation rules", "Personal
information"). One aggregate, the person (stream `youth-<uuid>`), by concern: `commands`, `events`,
`state`, `rules` (validation) and `decider` (decide / evolve).

Personal fields are declared with `personal()`: the event store seals them with the person's own
key and never publishes them. The public part of an event carries only what dashboards and other
services may know (the agreed contract in docs/REGISTRY.md): district, type, subtype, minor flag,
age band, registration date, whether within league age (a flag, never a date: the league-age dates are
the birth date in disguise), consents by purpose, employer kind. The end of league age is published
later by its own event, `league-age-ended.v1`, recorded by a monthly sweep (docs/REGISTRY.md).

Lifecycle: ACTIVE ⇄ DEACTIVATED (REGISTRATION consent withdrawn / given again) → MERGED (into an
older record) · ERASED (any state but ERASED; terminal).
"""
