-- No role but its owner may connect to a service's database or a person-key store (chassis/keystore.py):
-- CONNECT and TEMPORARY revoked from PUBLIC, so a compromised service reaches no other's data.
-- One list for both deployments: compose runs it after creating the databases (docker-compose.yml,
-- deploy/compose/postgres-init.sql), deploy/k8s/postgres-roles.sql includes it. Names are
-- settings.database(<service>) with the default namespace `xq`; chassis/roles.py does the same when a
-- service provisions its own database in development. Running it again changes nothing.
REVOKE CONNECT, TEMPORARY ON DATABASE xq_registry FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE xq_branches FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE xq_stations FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE xq_partners FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE xq_gateway FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE xq_registry_keys FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE xq_stations_keys FROM PUBLIC;
