"""Backups and point-in-time recovery of every store (issue 22): docs/RUNBOOK.md, "Backups and restore"."""
