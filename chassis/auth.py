"""Bearer tokens (OIDC-shaped JWTs): who is calling, in which roles, for which district.

Services and the gateway verify the same way. Only asymmetric algorithms are accepted, so `alg: none`
and HMAC tokens signed with a public key are refused. Production verifies against a JWKS URL.

Two issuers: staff tokens (`jwt_issuer`, roles and district in the claims) and youth tokens from the
young people's identity provider (`youth_issuer`, e.g. 京通 or WeChat through OIDC). A youth token's role
is `youth` because of who issued it, whatever its claims say; `sub` is the account at that provider, and
it carries no district and no staff role. A staff token can never carry the role `youth`.

A department's staff (`department_staff`) act for one department of the joint meeting: the token's
`department` claim names it (a code of chassis/departments.yaml) and is required; they report on that
department's measures and update the action items assigned to it, nothing else (issue 18).
`department_viewer` stays read-only.
"""
from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from .errors import Forbidden, NotFound, Unauthenticated
from .jwks import JwksKeys
from .reference import DEPARTMENTS, DISTRICTS
from .settings import Settings

STAFF_ROLES = ("admin", "registry_operator", "branch_secretary", "station_staff", "department_viewer", "partner",
               "department_staff")
DEPARTMENT_STAFF = "department_staff"  # acts for the department of its `department` claim
# Roles that act for one district: a token without `district` is refused unless it says city-wide itself
# (`scope: "city"`), so an identity provider that forgets the claim does not hand out the whole city.
SCOPED_ROLES = frozenset({"registry_operator", "branch_secretary", "station_staff", "department_viewer"})
CITY = "city"  # the `scope` claim of an explicitly city-wide token
YOUTH = "youth"  # a young person signed in through the youth identity provider
ROLES = (*STAFF_ROLES, YOUTH)
ALGORITHMS = ["ES256", "RS256"]


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]
    district: str | None  # None: city-wide
    token: str = ""
    department: str | None = None  # the department a department_staff token acts for (else None)

    @property
    def is_youth(self) -> bool:
        return YOUTH in self.roles

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def require(self, *roles: str) -> None:
        if not self.has_any(*roles):
            raise Forbidden(f"当前角色无权执行此操作（需要：{'、'.join(roles)}）。", rule="role")

    def require_district(self, district: str) -> None:
        """District-scoped callers act only within their own district."""
        self._not_youth()
        if self.district is not None and district != self.district:
            raise Forbidden(f"您的权限仅限 {DISTRICTS.get(self.district, self.district)}，不能操作其他区的数据。",
                            rule="district")

    def require_in(self, district: str, *roles: str) -> None:
        """One of `roles`, acting in `district`: a route that places something new there (the role is checked
        first, so a caller without it is told so whatever the district)."""
        self.require(*roles)
        self.require_district(district)

    def require_found_in_district(self, district: str | None, missing: str) -> None:
        """An aggregate looked up by id (`district` None: it does not exist). A district-scoped caller gets
        the same FORBIDDEN for an id of another district and for an id of nothing, so it cannot learn which
        ids exist elsewhere; a city-wide caller sees everything anyway and gets NOT_FOUND (`missing`)."""
        self._not_youth()
        if self.district is None:
            if district is None:
                raise NotFound(missing)
            return
        if district != self.district:
            raise Forbidden(f"您的权限仅限 {DISTRICTS.get(self.district, self.district)}："
                            "该对象不存在，或属于其他区。", rule="district")

    def sees_district(self, district: str) -> bool:
        return not self.is_youth and (self.district is None or self.district == district)

    def require_department(self, department: str, what: str) -> None:
        """A department's staff act for their own department only (`what`: what they may not touch)."""
        if self.department != department:
            name = DEPARTMENTS.get(self.department or "", self.department)
            raise Forbidden(f"您代表 {name}，不能{what}。", rule="department")

    def _not_youth(self) -> None:
        """A youth token has no district, which for staff means city-wide: district checks refuse it outright,
        so a staff path that forgot its role check still cannot serve a young person's token."""
        if self.is_youth:
            raise Forbidden("青年本人账号不能执行工作人员的操作。", rule="role")


class TokenVerifier:
    """Verifies bearer tokens. A front-end sends the same token with every request, so a verified
    token's claims are remembered until it expires (bounded; `exp` is checked again at each use):
    the signature check and claim validation were a tenth of a small command's CPU."""

    CACHE_SIZE = 10_000

    def __init__(self, settings: Settings, public_key: bytes | None = None):
        if settings.youth_issuer == settings.jwt_issuer:
            raise ValueError("youth_issuer must differ from jwt_issuer: the issuer tells a youth token from a staff one")
        self.issuer = settings.jwt_issuer
        self.audience = settings.jwt_audience
        self.youth_issuer = settings.youth_issuer
        self.youth_audience = settings.youth_audience
        # Parsed once, and only the algorithm of its own kind accepted (no RS/ES confusion).
        key = serialization.load_pem_public_key(public_key) if public_key else None
        if key is not None and not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
            raise ValueError(f"the JWT public key must be RSA or EC (RS256, ES256), not {type(key).__name__}")
        self.public_key = key
        self.algorithms = ALGORITHMS if self.public_key is None else \
            ["ES256"] if isinstance(self.public_key, ec.EllipticCurvePublicKey) else ["RS256"]
        # Key sets held in memory, fetched off the event loop (chassis/jwks.py).
        self.jwks = JwksKeys(settings.jwt_jwks_url) if settings.jwt_jwks_url else None
        # Youth tokens: the youth provider's JWKS; without one, the development key (as for staff tokens).
        self.youth_jwks = JwksKeys(settings.youth_jwks_url) if settings.youth_jwks_url else None
        self._verified: dict[str, dict[str, Any]] = {}

    async def load_keys(self) -> None:
        """At start-up: the JWKS key sets fetched in a worker thread, so that no request waits for one."""
        await asyncio.gather(*(keys.load() for keys in (self.jwks, self.youth_jwks) if keys is not None))

    def verify(self, authorization: str | None) -> Principal:
        if not authorization or not authorization.lower().startswith("bearer "):
            raise Unauthenticated("需要登录：请在 Authorization 头中提供 Bearer 令牌。")
        token = authorization[7:].strip()
        claims = self._verified.get(token)
        if claims is not None and claims["exp"] <= time.time():
            raise Unauthenticated("登录已过期，请重新获取令牌。")
        if claims is None:
            claims = self._decode(token)
            if len(self._verified) >= self.CACHE_SIZE:
                self._verified.clear()
            self._verified[token] = claims
        if claims["iss"] == self.youth_issuer:
            return Principal(subject=str(claims["sub"]), roles=frozenset({YOUTH}), district=None, token=token)
        roles = frozenset(r for r in claims.get("roles", []) if r in STAFF_ROLES)
        district = claims.get("district")
        if district is not None and district not in DISTRICTS:
            raise Unauthenticated("令牌中的区县代码无效。")
        if district is None and roles & SCOPED_ROLES and "admin" not in roles and claims.get("scope") != CITY:
            raise Unauthenticated("令牌缺少 district（区县）声明：区县角色的令牌须注明区县；"
                                  "全市范围的令牌须明确声明 scope: \"city\"。")
        department = claims.get("department") if DEPARTMENT_STAFF in roles else None
        if DEPARTMENT_STAFF in roles and department not in DEPARTMENTS:
            raise Unauthenticated("部门工作人员的令牌须有 department（成员单位代码）声明，且为已登记的成员单位。")
        return Principal(subject=str(claims["sub"]), roles=roles, district=district, token=token,
                         department=department)

    def _decode(self, token: str) -> dict[str, Any]:
        try:
            # Unverified only to choose the key and the expected issuer; the signature check below decides.
            youth = jwt.decode(token, options={"verify_signature": False}).get("iss") == self.youth_issuer
            jwks = self.youth_jwks if youth else self.jwks
            if jwks is not None:
                key = jwks.key_for(token)
            elif self.public_key is not None:
                key = self.public_key
            elif youth:
                raise Unauthenticated("本系统未配置青年身份提供方（XQ_YOUTH_JWKS_URL），暂不能以青年身份登录。")
            else:
                raise RuntimeError("the token verifier has neither a JWKS URL nor a public key")
            return jwt.decode(token, key, algorithms=self.algorithms,
                              audience=self.youth_audience if youth else self.audience,
                              issuer=self.youth_issuer if youth else self.issuer,
                              options={"require": ["exp", "iss", "aud", "sub"]})
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("登录已过期，请重新获取令牌。") from None
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"令牌无效（{type(exc).__name__}），请重新登录。") from None


def issue_token(private_key: bytes, settings: Settings, *, roles: list[str], district: str | None = None,
                subject: str | None = None, ttl_seconds: int = 12 * 3600, city: bool = False,
                 department: str | None = None) -> str:
    """Development tokens (the `xinqing token` command and tests); production tokens come from the IdPs.
    `roles=["youth"]` makes a youth token as the youth provider would: its issuer, the account as `sub`,
    no roles claim and no district. `city` marks a token without a district as city-wide on purpose
    (`scope: "city"`): a district-scoped role without either is refused by the verifier. `department`:
    the department a `department_staff` token acts for (required for that role, refused for others)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(sorted(unknown))}; known: {', '.join(ROLES)}")
    if district is not None and district not in DISTRICTS:
        raise ValueError(f"unknown district code {district}; known: {', '.join(DISTRICTS)}")
    youth = YOUTH in roles
    if youth and (len(roles) > 1 or district or city):
        raise ValueError("a youth token carries the role youth alone, without a district")
    if city and district:
        raise ValueError("a token is either for one district or city-wide, not both")
    if (DEPARTMENT_STAFF in roles) != (department is not None):
        raise ValueError("a department_staff token names its department (--department), and only it does")
    if department is not None and department not in DEPARTMENTS:
        raise ValueError(f"unknown department code {department}; known: {', '.join(DEPARTMENTS)}")
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": settings.youth_issuer if youth else settings.jwt_issuer,
        "aud": settings.youth_audience if youth else settings.jwt_audience,
        "sub": subject or f"dev-{uuid.uuid4().hex[:8]}", "iat": now, "exp": now + ttl_seconds}
    if not youth:
        claims["roles"] = roles
    if district:
        claims["district"] = district
    if city:
        claims["scope"] = CITY
    if department:
        claims["department"] = department
    return jwt.encode(claims, private_key, algorithm="ES256")
