-- First start of the compose PostgreSQL: one database per service (each service owns its own).
-- Names are settings.database(<service>) with the default namespace `xq`.
CREATE DATABASE xq_registry;
CREATE DATABASE xq_branches;
CREATE DATABASE xq_stations;
CREATE DATABASE xq_partners;
CREATE DATABASE xq_gateway;
