-- A PostgreSQL role per service (chassis/roles.py does the same for the launcher and development).
-- Run once per cluster as the admin, with each service's password from its Secret xinqing-postgres-<service>:
--   psql "$ADMIN_DSN" -v registry=... -v branches=... -v stations=... -v partners=... -v gateway=... \
--        -v registry_keys=... -v stations_keys=... \
--        -f deploy/k8s/postgres-roles.sql
-- Each role logs in, owns its own database only and may not connect to the others' (CONNECT revoked
-- from PUBLIC by deploy/postgres/close-databases.sql, included at the end: run it from a checkout).
-- The person-key stores (xq_registry_keys, xq_stations_keys; chassis/keystore.py) have roles of their
-- own, with passwords from the Secrets xinqing-postgres-registry-keys / -stations-keys.
-- Running it again sets the passwords again (rotation) and changes nothing else.
\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I LOGIN', r) FROM unnest(ARRAY['xq_registry', 'xq_branches', 'xq_stations',
       'xq_partners', 'xq_gateway', 'xq_registry_keys', 'xq_stations_keys']) AS r
       WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) \gexec
ALTER ROLE xq_registry LOGIN PASSWORD :'registry';
ALTER ROLE xq_branches LOGIN PASSWORD :'branches';
ALTER ROLE xq_stations LOGIN PASSWORD :'stations';
ALTER ROLE xq_partners LOGIN PASSWORD :'partners';
ALTER ROLE xq_gateway  LOGIN PASSWORD :'gateway';
ALTER ROLE xq_registry_keys LOGIN PASSWORD :'registry_keys';
ALTER ROLE xq_stations_keys LOGIN PASSWORD :'stations_keys';

SELECT format('CREATE DATABASE %I OWNER %I', d, d) FROM unnest(ARRAY['xq_registry', 'xq_branches', 'xq_stations',
       'xq_partners', 'xq_gateway', 'xq_registry_keys', 'xq_stations_keys']) AS d
       WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = d) \gexec
ALTER DATABASE xq_registry OWNER TO xq_registry;
ALTER DATABASE xq_branches OWNER TO xq_branches;
ALTER DATABASE xq_stations OWNER TO xq_stations;
ALTER DATABASE xq_partners OWNER TO xq_partners;
ALTER DATABASE xq_gateway  OWNER TO xq_gateway;
ALTER DATABASE xq_registry_keys OWNER TO xq_registry_keys;
ALTER DATABASE xq_stations_keys OWNER TO xq_stations_keys;
\ir ../postgres/close-databases.sql
