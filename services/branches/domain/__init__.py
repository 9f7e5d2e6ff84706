"""Branches deciders, one module per aggregate: pure rules, no IO (DOMAIN.md, "League organisation").

Streams: `branch-<uuid>`, `membership-<youth_id>` (one stream per person: "one branch at a time" is a
single-stream invariant), `organisation-<uuid>`, `meeting-<uuid>`, `measure-<M01..M22>`.
"""
