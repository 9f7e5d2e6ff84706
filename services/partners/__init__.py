"""The partner publisher: registry events → per-agency partner topics, as data-sharing agreements allow."""
