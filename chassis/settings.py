"""Settings for every process, read from the environment with one prefix: ``XQ_``.

One class on purpose: the services, the gateway, the launcher and the CLI agree on ports, the
database server and the broker without a second source of truth. Every field is documented in
docs/CONFIGURATION.md (generated: `python -m xinqing.settings_doc`).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
OTHER_SERVICE_MAX_BODY_BYTES = 1024 * 1024  # a service without a setting of its own (the tests' sample services)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XQ_", extra="ignore")

    environment: str = Field("development", description="development | test | production")
    namespace: str = Field("xq", description="prefix of databases and consumer groups; other than 'xq' it "
                                             "also prefixes topics (isolated test stacks on one broker)")
    data_dir: Path = Field(PROJECT_ROOT / ".data", description="local state: PostgreSQL cluster, Kafka log, keys")
    cache_dir: Path = Field(Path.home() / ".cache" / "xinqing", description="downloaded Kafka jars (outside the repo)")

    # PostgreSQL: one server, one database per service (each service owns its database).
    pg_host: str = Field("127.0.0.1", description="PostgreSQL host")
    pg_port: int = Field(55432, description="PostgreSQL port (not 5432, to stay clear of a system server)")
    pg_user: str = Field("xinqing", description="PostgreSQL admin role: creates the services' roles and databases "
                                               "(launcher, tests, maintenance commands); services never use it")
    pg_password: str = Field("", description="password of the admin role (empty: trust on loopback)")
    pg_service_password: str | None = Field(None, description="password of this service's own role (named as its "
                                                              "database; default: the development file "
                                                              "<data_dir>/keys/pg-<role>.password)")
    pg_sslmode: str = Field("prefer", description="libpq sslmode of every connection (verify-full in production)")
    pg_sslrootcert: Path | None = Field(None, description="CA certificate the server's is verified against "
                                                          "(verify-ca, verify-full)")
    pg_bin_dir: Path | None = Field(None, description="directory with initdb/postgres (default: found on the machine)")
    pg_os_user: str = Field("xinqing", description="unprivileged OS user that runs PostgreSQL when started as root")
    pg_pool_max: int = Field(10, description="connections per process")
    pg_command_timeout: float = Field(5.0, description="seconds before a database call is abandoned")

    # Kafka
    kafka_bootstrap: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers")
    kafka_controller_port: int = Field(9093, description="KRaft controller port of the local broker")
    kafka_version: str = Field("4.1.1", description="Apache Kafka version the launcher runs")
    kafka_heap: str = Field("512m", description="heap of the local broker")
    kafka_partitions: int = Field(6, description="partitions of each internal topic")
    kafka_libs: Path | None = Field(None, description="directory with Kafka jars (skips Maven)")
    kafka_sasl: bool = Field(True, description="log in to the broker with SASL/SCRAM-SHA-512 (a principal per "
                                               "service); false only for a broker without authentication")
    kafka_user: str | None = Field(None, description="this process's Kafka principal (default: svc-<service>)")
    kafka_password: str | None = Field(None, description="password of kafka_user (default: the development file "
                                                         "<data_dir>/keys/kafka-<user>.password)")
    kafka_admin_password: str | None = Field(None, description="password of the Kafka `admin` principal (topic and "
                                                               "ACL set-up; default: <data_dir>/keys/kafka-admin."
                                                               "password)")
    kafka_sasl_port: int | None = Field(None, description="local broker: also open the agencies' SASL/SCRAM listener "
                                                          "on this port, with ACLs (docs/PARTNERS.md)")

    # HTTP
    host: str = Field("127.0.0.1", description="interface every HTTP server listens on")
    gateway_port: int = Field(8000, description="gateway (GraphQL, dashboard)")
    registry_port: int = Field(8001, description="registry service")
    branches_port: int = Field(8002, description="branches service")
    stations_port: int = Field(8003, description="stations service")
    partners_port: int = Field(8004, description="partner publisher (health and metrics only)")
    registry_url: str | None = Field(None, description="registry base URL (default from host and port)")
    branches_url: str | None = Field(None, description="branches base URL (default from host and port)")
    stations_url: str | None = Field(None, description="stations base URL (default from host and port)")

    # Security
    jwt_issuer: str = Field("xinqing-dev", description="expected token issuer")
    jwt_audience: str = Field("xinqing", description="expected token audience")
    jwt_public_key_file: Path | None = Field(None, description="PEM public key of the token issuer")
    jwt_private_key_file: Path | None = Field(None, description="PEM private key (development tokens only)")
    jwt_jwks_url: str | None = Field(None, description="JWKS URL of the production identity provider")
    youth_issuer: str = Field("xinqing-dev-youth", description="issuer of youth tokens (the young people's identity "
                                                               "provider, e.g. 京通 or WeChat through OIDC)")
    youth_audience: str = Field("xinqing-youth", description="expected audience of youth tokens (the app's client id)")
    youth_jwks_url: str | None = Field(None, description="JWKS URL of the youth identity provider (default: the "
                                                         "development key, as for staff tokens)")
    master_key: str | None = Field(None, description="base64 256-bit master key that wraps per-person keys")
    master_key_id: str = Field("k1", description="id of the current master key (for rotation)")
    master_keys_retired: str | None = Field(None, description="retired master keys that still unwrap old person "
                                                              "keys until rotated: 'k0=<base64>,k00=<base64>'")
    blind_index_key: str | None = Field(None, description="base64 key of the blind index (keyed hashes)")
    partner_key: str | None = Field(None, description="base64 secret from which each agency's pseudonym key is derived")

    # Telemetry
    otlp_endpoint: str | None = Field(None, description="OTLP/HTTP endpoint, e.g. http://127.0.0.1:4318")
    log_level: str = Field("INFO", description="log level")
    metrics_interval_seconds: float = Field(15.0, description="how often the gauges (outbox backlog, consumer lag, "
                                                              "projection age) are sampled and pushed by OTLP")

    # Read-your-writes: how long a query may wait for the projection to reach a position.
    consistency_wait_seconds: float = Field(5.0, description="max wait for a requested read position")

    # GraphQL protection (gateway): limits against abusive queries.
    graphql_introspection: bool | None = Field(None, description="allow schema introspection and GraphiQL "
                                                                 "(default: on, except when environment=production)")
    graphql_max_depth: int = Field(10, description="deepest selection nesting a query may have")
    graphql_max_aliases: int = Field(15, description="aliases in one query")
    graphql_max_tokens: int = Field(2000, description="tokens in one query document")
    graphql_max_cost: int = Field(5000, description="estimated cost of one query (fields × page sizes)")
    graphql_max_body_bytes: int = Field(64 * 1024, description="largest GraphQL request body")
    anonymous_per_minute: int = Field(60, description="GraphQL calls a minute per client address without a token "
                                                      "(the public station finder and events); beyond: HTTP 429")
    trusted_proxies: str = Field("", description="proxies whose X-Forwarded-For names the client, comma-separated "
                                                 "addresses or networks (e.g. 10.0.0.0/8); from anyone else it is ignored")

    # Request bodies: larger ones are refused with 413 before they are parsed (chassis/body_limit.py).
    registry_max_body_bytes: int = Field(4 * 1024 * 1024, description="largest registry request body (a bulk "
                                                                     "import chunk is up to 2,000 rows)")
    branches_max_body_bytes: int = Field(256 * 1024, description="largest branches request body")
    stations_max_body_bytes: int = Field(256 * 1024, description="largest stations request body")
    partners_max_body_bytes: int = Field(64 * 1024, description="largest partner publisher request body")

    @property
    def introspection_allowed(self) -> bool:
        if self.graphql_introspection is None:
            return self.environment != "production"
        return self.graphql_introspection

    def max_body_bytes(self, service: str) -> int:
        """The body limit of a service by name; the gateway's is the GraphQL one."""
        limits = {"gateway": self.graphql_max_body_bytes, "registry": self.registry_max_body_bytes,
                  "branches": self.branches_max_body_bytes, "stations": self.stations_max_body_bytes,
                  "partners": self.partners_max_body_bytes}
        return limits.get(service, OTHER_SERVICE_MAX_BODY_BYTES)

    def database(self, service: str) -> str:
        return f"{self.namespace}_{service}"

    def topic(self, name: str) -> str:
        return name if self.namespace == "xq" else f"{self.namespace}.{name}"

    def bare_topic(self, name: str) -> str:
        """`topic`'s inverse: the contract's name of a topic of this namespace."""
        return name if self.namespace == "xq" else name.removeprefix(f"{self.namespace}.")

    def group(self, projection: str) -> str:
        return f"{self.namespace}.{projection}"

    def database_url(self, database: str, *, user: str | None = None, password: str | None = None) -> str:
        """The admin's DSN of `database`, or another role's with `user` and `password` (chassis.roles)."""
        user, password = (user, password) if user else (self.pg_user, self.pg_password)
        auth = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
        tls = f"sslmode={self.pg_sslmode}" + (f"&sslrootcert={quote(str(self.pg_sslrootcert))}"
                                              if self.pg_sslrootcert else "")
        return f"postgresql://{auth}@{self.pg_host}:{self.pg_port}/{database}?{tls}"

    def service_url(self, service: str) -> str:
        explicit: str | None = getattr(self, f"{service}_url", None)
        if explicit:
            return explicit.rstrip("/")
        return f"http://{self.host}:{getattr(self, f'{service}_port')}"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"


@lru_cache
def get_settings() -> Settings:
    return Settings()
