-- First start of the compose PostgreSQL: one database per service (each service owns its own).
-- Names are settings.database(<service>) with the default namespace `xq`. No role but its owner may connect
-- to a database (deploy/postgres/close-databases.sql, run next): each service, starting in development,
-- creates its own login role (chassis/roles.py, the password in the shared `keys` volume) and takes the
-- database over.
CREATE DATABASE xq_registry;
CREATE DATABASE xq_branches;
CREATE DATABASE xq_stations;
CREATE DATABASE xq_partners;
CREATE DATABASE xq_gateway;
-- The person-key stores of the services that seal (chassis/keystore.py): apart from the events they unlock.
CREATE DATABASE xq_registry_keys;
CREATE DATABASE xq_stations_keys;
