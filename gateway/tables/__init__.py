"""The SQL the GraphQL schema reads the gateway's read models with, one module per domain. The tables
are filled by gateway/projections/ (one writer per table) and created by gateway/migrations/."""
