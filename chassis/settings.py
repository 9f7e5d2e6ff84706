"""Settings for every process, read from the environment with one prefix: ``XQ_``.

One class on purpose: the services, the gateway, the launcher and the CLI agree on ports, the
database server and the broker without a second source of truth. Every field is documented in
docs/CONFIGURATION.md (generated: `python -m xinqing.settings_doc`).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from pydantic import Field, field_validator
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
    pg_keys_password: str | None = Field(None, description="password of the role of this service's person-key store "
                                                           "(database <namespace>_<service>_keys; registry and "
                                                           "stations only; default: the development file)")
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
    backup_dir: Path | None = Field(None, description="backup repository: base backups and archived WAL "
                                                      "(default: <data_dir>-backups, beside the data directory)")
    backup_every_hours: float = Field(0, description="`make up` takes a base backup this often and archives WAL "
                                                     "continuously (0: no background backups)")
    backup_keep: int = Field(7, description="base backups kept (with the WAL since the oldest kept); older "
                                            "ones are deleted after each backup")
    backup_archive_timeout: int = Field(60, description="seconds after which a WAL segment is archived even if not "
                                                        "full: the most a disk loss can lose (RPO)")
    erasure_ledger: Path | None = Field(None, description="erasure ledger (ids and times of erasures and agency-"
                                                          "sharing withdrawals), outside the backed-up stores "
                                                          "(default: <backup repository>/erasure-ledger.jsonl)")
    master_key_id: str = Field("k1", description="id of the current master key (for rotation)")
    master_keys_retired: str | None = Field(None, description="retired master keys that still unwrap old person "
                                                              "keys until rotated: 'k0=<base64>,k00=<base64>'")
    blind_index_key: str | None = Field(None, description="base64 key of the blind index (keyed hashes)")
    partner_key: str | None = Field(None, description="base64 secret from which each agency's pseudonym key is derived")

    # Telemetry
    otlp_endpoint: str | None = Field(None, description="OTLP/HTTP endpoint, e.g. http://127.0.0.1:4318")
    zipkin_endpoint: str | None = Field(None, description="Zipkin base URL spans are also sent to (its v2 JSON), "
                                                          "e.g. http://127.0.0.1:9411; `xinqing up --observe` sets it")
    trace_sample_ratio: float = Field(1.0, ge=0.0, le=1.0, description="share of new traces recorded (by trace id; "
                                                                       "the services follow the caller's decision)")
    zipkin_port: int = Field(9411, description="`xinqing up --observe`: port of the local Zipkin (traces UI)")
    zipkin_version: str = Field("3.4.2", description="`xinqing up --observe`: Zipkin server version (Maven Central)")
    prometheus_port: int = Field(9090, description="`xinqing up --observe`: port of the local Prometheus")
    log_level: str = Field("INFO", description="log level")
    metrics_interval_seconds: float = Field(15.0, description="how often the gauges (outbox backlog, consumer lag, "
                                                              "projection age) are sampled and pushed by OTLP")

    # The joint meeting's measures (issue 18).
    measure_stale_days: int = Field(92, ge=1, description="days without a progress report after which a measure "
                                                           "is flagged stale on the dashboard and the next "
                                                           "meeting's agenda (default: a quarter)")

    # Read-your-writes: how long a query may wait for the projection to reach a position.
    consistency_wait_seconds: float = Field(5.0, description="max wait for a requested read position")
    # Where the projections run: in the process that answers reads (one process), or in a projector.
    run_projections: bool = Field(True, description="false: this process answers reads and applies no events; "
                                                    "a second process of the same app with true (the projector) "
                                                    "applies them (the gateway: docs/ARCHITECTURE.md, \"Reads "
                                                    "and projections in two processes\")")
    projection_beat_seconds: float = Field(0.1, ge=0.0, le=1.0,
                                           description="live writes are applied to the read models on the wall "
                                                       "clock's multiples of this, by every projection alike, so "
                                                       "that they change a few times a second as a whole (0: at "
                                                       "once, each fetch its own commit)")

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
    dashboard_answer_max_age_seconds: float = Field(
        0.0, ge=0.0, le=10.0, description="how long a whole dashboard answer keeps serving the same query after the "
                                          "read models moved on (0: never; each state of the read models is "
                                          "executed once). A query with minPosition always reads fresh figures")

    # Request bodies: larger ones are refused with 413 before they are parsed (chassis/body_limit.py).
    registry_max_body_bytes: int = Field(4 * 1024 * 1024, description="largest registry request body (a bulk "
                                                                     "import chunk is up to 2,000 rows)")
    branches_max_body_bytes: int = Field(256 * 1024, description="largest branches request body")
    stations_max_body_bytes: int = Field(256 * 1024, description="largest stations request body")
    partners_max_body_bytes: int = Field(64 * 1024, description="largest partner publisher request body")

    # 12345 appeals: the handling units' ranking and the hot topics (集中诉求, services/stations/domain/hot_topic.py).
    appeal_ranking_weights: str = Field(
        "response=0.10,resolution=0.45,satisfaction=0.45",
        description="weights of the three rates (响应率, 解决率, 满意率) in the handling units' score; renormalised "
                    "over the rates a unit has")
    hot_topic_factor: float = Field(2.0, gt=0, description="a category's appeals in a district and Beijing week are a "
                                    "hot topic at this many times the mean of its look-back weeks (and the minimum)")
    hot_topic_min_count: int = Field(5, ge=1, description="fewest appeals of a category in a district and week "
                                     "that can be a hot topic")
    hot_topic_lookback_weeks: int = Field(4, ge=1, le=52, description="weeks before the current one whose mean "
                                          "a hot topic is compared with")
    hot_topic_scan_seconds: float = Field(300.0, gt=0, description="how often the stations service looks for hot "
                                          "topics (this week and last) and overdue governance items, and closes "
                                          "media campaigns whose entry window ended")

    @field_validator("appeal_ranking_weights")
    @classmethod
    def _weights(cls, value: str) -> str:
        ranking_weights(value)
        return value

    def ranking_weights(self) -> dict[str, float]:
        return ranking_weights(self.appeal_ranking_weights)

    # Registry reads of people (issue 15): lookups by identifier are rate-limited; listing many is a bulk read.
    registry_lookups_per_minute: int = Field(30, description="registry lookups by mobile or ID number a minute per "
                                                             "caller; beyond: HTTP 429 with Retry-After")
    registry_self_refusals_per_hour: int = Field(10, description="refusals that tell something (a registration "
                                                                 "refused as a duplicate, a claim code refused) an "
                                                                 "hour per youth account and kind; beyond: HTTP 429")
    registry_bulk_read_per_hour: int = Field(2000, description="people a caller may list in an hour before the "
                                                               "reads are audited as BULK_READ and counted in "
                                                               "xq.registry.bulk_reads")

    # Partner publisher (issue 15): each agency's messages leave on its own schedule, so that two agencies cannot
    # join their pseudonyms by the timing or the order of their topics (services/partners/release.py).
    partners_release_seconds: float | None = Field(None, description="seconds between two releases of one "
                                                                     "agency's messages (default: 60 in "
                                                                     "production, 1 elsewhere)")
    partners_release_jitter_seconds: float | None = Field(None, description="up to this many seconds more, drawn "
                                                                            "anew for each agency and release "
                                                                            "(default: 60 in production, 1 "
                                                                            "elsewhere)")

    @property
    def introspection_allowed(self) -> bool:
        if self.graphql_introspection is None:
            return self.environment != "production"
        return self.graphql_introspection

    @property
    def partners_release(self) -> tuple[float, float]:
        """(seconds between an agency's releases, the most jitter added to each)."""
        default = 60.0 if self.environment == "production" else 1.0
        return (self.partners_release_seconds if self.partners_release_seconds is not None else default,
                self.partners_release_jitter_seconds if self.partners_release_jitter_seconds is not None else default)

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

    @property
    def backups(self) -> Path:
        """The backup repository: beside the data directory, never inside it (losing one keeps the other)."""
        return self.backup_dir or self.data_dir.with_name(f"{self.data_dir.name}-backups")

    @property
    def ledger(self) -> Path:
        return self.erasure_ledger or self.backups / "erasure-ledger.jsonl"


@lru_cache
def get_settings() -> Settings:
    return Settings()


RATES = ("response", "resolution", "satisfaction")


def ranking_weights(text: str) -> dict[str, float]:
    """'response=0.10,resolution=0.45,satisfaction=0.45' → weights; each rate once, non-negative, not all zero."""
    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition("=")
        name = name.strip()
        if name not in RATES or name in weights:
            raise ValueError(f"ranking weight {name!r}: expected each of {', '.join(RATES)} once")
        weights[name] = float(value)
        if weights[name] < 0:
            raise ValueError(f"ranking weight {name}: must not be negative")
    if set(weights) != set(RATES) or not sum(weights.values()):
        raise ValueError(f"ranking weights: give all of {', '.join(RATES)}, not all zero")
    return weights
