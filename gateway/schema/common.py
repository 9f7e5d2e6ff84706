"""What every part of the schema shares: the request context, read-your-writes, the one way to forward
to a service and its command results (and to write their bodies), the district a read covers, the
dashboard's scope (district and date range, narrowed by the token)."""
from __future__ import annotations

import dataclasses
import string
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cached_property, wraps
from typing import Annotated, Any, TypeVar

import strawberry
from pydantic.alias_generators import to_camel
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from chassis.auth import YOUTH, Principal
from chassis.errors import FieldError, Forbidden, Unavailable, ValidationFailed
from chassis.projection import parse_position
from chassis.reference import DISTRICTS
from chassis.service import Runtime

T = TypeVar("T")

# The services the gateway forwards to, by the name of their client (gateway/deps.py SERVICES).
REGISTRY, BRANCHES, STATIONS = "registry", "branches", "stations"

DASHBOARD_ROLES = ("admin", "registry_operator", "branch_secretary", "station_staff", "department_viewer",
                   "department_staff")


class Context(BaseContext):
    def __init__(self, runtime: Runtime):
        super().__init__()
        self.runtime = runtime
        self._loaders: dict[str, DataLoader] = {}

    @property
    def authorization(self) -> str | None:
        """HTTP: the Authorization header. WebSocket (graphql-transport-ws): the connection_init payload
        `{"authorization": "Bearer …"}` — browsers cannot set headers on a WebSocket."""
        if self.connection_params is not None:
            value = self.connection_params.get("authorization") or self.connection_params.get("Authorization")
            return value if isinstance(value, str) else None
        return self.request.headers.get("authorization") if self.request is not None else None

    @cached_property
    def principal(self) -> Principal:
        return self.runtime.verifier.verify(self.authorization)

    def public(self) -> None:
        """A public field: anyone, also without a token (then rate-limited per address, gateway/anonymous.py);
        a token that is sent must still be valid."""
        if self.authorization is not None:
            self.principal  # noqa: B018 — verifies the token

    def today(self) -> date:
        """Today in Beijing by the deployment's one clock: the year of the dashboard's "本年" figures."""
        return self.runtime.deps.clock.today()

    def service(self, name: str):
        return self.runtime.deps.clients[name]

    def loader(self, name: str, load: Callable[[list[Any]], Awaitable[Sequence[Any]]]) -> DataLoader:
        """The request's DataLoader called `name`: lookups of one request are batched into one call of
        `load(keys)` (which answers one value per key, in order). Per request on purpose: nothing is
        cached across callers, so personal fields fetched from the registry for one caller's role never
        reach another's, and the gateway keeps none of them."""
        if name not in self._loaders:
            self._loaders[name] = DataLoader(load_fn=load)
        return self._loaders[name]

    async def await_position(self, position: str | None) -> None:
        """Read-your-writes: wait (bounded) until every projection that reads the position's stream
        has applied it."""
        if position is None:
            return
        try:
            stream, _ = parse_position(position)
        except ValueError:
            raise ValidationFailed([FieldError("minPosition", "格式应为 <stream>@<version>，即变更返回的 position")]) from None
        runners = [r for r in self.runtime.projections.values()
                   if any(stream.startswith(p) for p in r.projection.stream_prefixes)]
        for runner in runners:
            if not await runner.wait_for(position, self.runtime.settings.consistency_wait_seconds):
                raise Unavailable("数据仍在同步中，尚未包含您刚才的操作，请稍后重试。", retry_after=1)


@strawberry.type(description="命令已受理")
class CommandResult:
    id: strawberry.ID
    version: int
    position: str = strawberry.field(description="读己之写：把它作为 minPosition 传给查询")

    @classmethod
    def of(cls, answer: dict) -> CommandResult:
        """From a service's answer to a command (chassis.commands.accepted)."""
        return cls(id=answer["id"], version=answer["version"], position=answer["position"])


async def read_table(info: strawberry.Info, read: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    """One read of the gateway's own tables (`read(conn, *args, **kwargs)`, from gateway/tables/) on a pooled
    connection, given back before the answer is shaped."""
    ctx: Context = info.context
    async with ctx.runtime.pool.acquire() as conn:
        return await read(conn, *args, **kwargs)


async def read_this_year(info: strawberry.Info, read: Callable[..., Awaitable[T]], district: str | None) -> T:
    """A dashboard figure kept per Beijing year (`read(conn, district, year)`), for this year by the
    deployment's clock: such a figure ("本年") does not follow the dashboard's date range."""
    ctx: Context = info.context
    return await read_table(info, read, district, ctx.today().year)


async def forward(info: strawberry.Info, service: str, path: str, *, method: str = "POST", json: dict | None = None,
                  params: dict | None = None) -> dict:
    """A mutation (or a read of personal fields) forwarded to the service that owns it, with the caller's
    token: the service checks roles, districts and every rule again."""
    ctx: Context = info.context
    return await ctx.service(service).call(method, path, token=ctx.principal.token, json=json, params=params)


async def command(info: strawberry.Info, service: str, path: str, *, method: str = "POST", json: dict | None = None,
                  params: dict | None = None) -> CommandResult:
    """`forward` for a command answered with the usual CommandResult."""
    return CommandResult.of(await forward(info, service, path, method=method, json=json, params=params))


def own(info: strawberry.Info) -> None:
    """Only a youth token reaches its own record (the registry checks again); a staff token is FORBIDDEN."""
    ctx: Context = info.context
    ctx.principal.require(YOUTH)


async def mine(info: strawberry.Info, service: str, path: str, *, method: str = "POST",
               json: dict | None = None) -> CommandResult:
    """A command on the caller's own record: only a youth token (own), forwarded with it."""
    own(info)
    return await command(info, service, path, method=method, json=json)


Send = Callable[..., Awaitable[CommandResult]]


def input_mutation(service: str, path: str, input_type: type, description: str, *, send: Send = command) -> Any:
    """A mutation whose one argument, `input` (`input_type`), is the whole command: its `body`, POSTed to
    `path` of `service` (by `send`: `command`, or a check before it, as `me`'s `mine`)."""

    async def resolve(info: strawberry.Info, input: Any) -> CommandResult:
        return await send(info, service, path, json=body(input))

    # the schema reads the argument's type from the annotation: the input type this mutation takes
    resolve.__annotations__ = {"info": strawberry.Info, "input": input_type, "return": CommandResult}
    return strawberry.mutation(resolver=resolve, description=description)


def forwarded(service: str, path: str, description: str, *, send: Send = command) -> Callable[[Callable], Any]:
    """A mutation declared by its signature alone (its body is `...`, never run): the arguments named in
    `path` (`"/branches/{branch_id}/rename"`) fill it, every other argument travels in the `body` (camelCase,
    None left out), sent to `service` by `send` as for `input_mutation`. As with an input, an argument added to
    the signature cannot be forgotten on the way; the signature stays the schema's field (names, types,
    defaults, order). A mutation whose body renames an argument or that shapes its answer is written out."""
    in_path = {name for _, name, _, _ in string.Formatter().parse(path) if name}

    def declare(signature: Callable) -> Any:
        @wraps(signature)  # strawberry reads the arguments from the declared signature
        async def resolve(self: Any, info: strawberry.Info, **arguments: Any) -> CommandResult:
            sent = {name: value for name, value in arguments.items() if name not in in_path}
            return await send(info, service, path.format(**arguments), json=body(**sent))

        return strawberry.mutation(resolver=resolve, description=description)

    return declare


def without_none(body: dict) -> dict:
    """A request body without its absent (None) fields."""
    return {k: v for k, v in body.items() if v is not None}


def given(input: object) -> dict[str, Any]:
    """A strawberry input's fields by Python name, without those the caller left out: a field not given
    (UNSET), and a None, except in a field that defaults to UNSET: there null is an answer (clear it)."""
    fields = {f.name: (getattr(input, f.name), f.default is strawberry.UNSET) for f in dataclasses.fields(input)}
    return {name: value for name, (value, null_clears) in fields.items()
            if value is not strawberry.UNSET and (value is not None or null_clears)}


def as_json(value: Any) -> Any:
    """A value as a service's JSON body holds it: enums by value, dates and times in ISO 8601, decimals as
    text (exact), inputs as bodies, lists item by item; the rest (text, IDs, numbers) as it is."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):  # also a datetime
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return body(value)
    return value


def body(input: object | None = None, /, **fields: Any) -> dict:
    """A command's JSON body from a strawberry input's fields and/or keyword arguments: each named in
    camelCase (the rule the services' ApiModel reads, chassis/http.py, and the schema's own names), each
    value `as_json`; None is left out (the service's default applies; see `given` for null that clears).
    Every field of an input travels, so a field added to the input cannot be forgotten on the way."""
    named = (given(input) if input is not None else {}) | without_none(fields)
    return {to_camel(name): as_json(value) for name, value in named.items()}


@dataclass(frozen=True)
class DashboardScope:
    district: str | None  # None: city-wide
    date_from: date | None
    date_to: date | None

    @property
    def has_dates(self) -> bool:
        return self.date_from is not None or self.date_to is not None


def scoped_district(principal: Principal, district: str | None) -> str | None:
    """The district a read covers: a district-scoped token always reads its own and can never widen it
    (asking for another is FORBIDDEN); a city-wide token may narrow to one district or read all (None)."""
    if district is not None and district not in DISTRICTS:
        raise ValidationFailed([FieldError("district", "未知的区县代码（应为北京 16 区之一，如 110105）", "district")])
    if principal.district is not None:
        if district not in (None, principal.district):
            raise Forbidden(f"您的权限仅限 {DISTRICTS[principal.district]}，不能查看其他区的数据。", rule="district")
        return principal.district
    return district


async def read_scope(info: strawberry.Info, roles: Sequence[str], district: str | None = None,
                     min_position: str | None = None) -> str | None:
    """Who may read a list and which district it covers: a caller with one of `roles`, once the read
    models have applied `min_position` (read-your-writes), held to its own district (`scoped_district`)."""
    ctx: Context = info.context
    ctx.principal.require(*roles)
    await ctx.await_position(min_position)
    return scoped_district(ctx.principal, district)


def dashboard_scope(principal: Principal, district: str | None, date_from: date | None,
                    date_to: date | None) -> DashboardScope:
    """Who may see which part: dashboard roles only; a district-scoped token always sees its own district
    and can never widen it; a city-wide token may narrow to one district."""
    principal.require(*DASHBOARD_ROLES)
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed([FieldError("to", "结束日期不能早于开始日期", "range")])
    return DashboardScope(scoped_district(principal, district), date_from, date_to)


# Arguments every dashboard entry point takes (query and subscription).
DistrictArg = Annotated[str | None, strawberry.argument(description="区县代码；区级令牌只能是本区")]
RANGE = "；看板各部分按各自的日期统计（登记、入团、会议、服务、开班、受理…），当前状态类数字不受影响"
FromArg = Annotated[date | None, strawberry.argument(name="from", description="日期范围起（含）" + RANGE)]
ToArg = Annotated[date | None, strawberry.argument(description="日期范围止（含）" + RANGE)]


@strawberry.type(description="联席会议看板；区级令牌只看到本区")
class DashboardBase:
    district: str | None = strawberry.field(description="看板范围：null 为全市")
    date_from: date | None = strawberry.field(name="from", default=None, description="日期范围起（含）；null 为不限")
    date_to: date | None = strawberry.field(name="to", default=None, description="日期范围止（含）；null 为不限")

    @property
    def scope(self) -> DashboardScope:
        return DashboardScope(self.district, self.date_from, self.date_to)
