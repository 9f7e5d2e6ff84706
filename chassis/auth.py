"""Bearer tokens (OIDC-shaped JWTs): who is calling, in which roles, for which district.

Services and the gateway verify the same way. Only asymmetric algorithms are accepted, so `alg: none`
and HMAC tokens signed with a public key are refused. Production verifies against a JWKS URL.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import jwt

from .errors import Forbidden, Unauthenticated
from .reference import DISTRICTS
from .settings import Settings

ROLES = ("admin", "registry_operator", "branch_secretary", "station_staff", "department_viewer", "partner")
ALGORITHMS = ["ES256", "RS256"]


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]
    district: str | None  # None: city-wide
    token: str = ""

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def require(self, *roles: str) -> None:
        if not self.has_any(*roles):
            raise Forbidden(f"当前角色无权执行此操作（需要：{'、'.join(roles)}）。")

    def require_district(self, district: str) -> None:
        """District-scoped callers act only within their own district."""
        if self.district is not None and district != self.district:
            raise Forbidden(f"您的权限仅限 {DISTRICTS.get(self.district, self.district)}，不能操作其他区的数据。")

    def sees_district(self, district: str) -> bool:
        return self.district is None or self.district == district


class TokenVerifier:
    def __init__(self, settings: Settings, public_key: bytes | None = None):
        self.issuer = settings.jwt_issuer
        self.audience = settings.jwt_audience
        self.public_key = public_key
        self.jwks = jwt.PyJWKClient(settings.jwt_jwks_url) if settings.jwt_jwks_url else None

    def verify(self, authorization: str | None) -> Principal:
        if not authorization or not authorization.lower().startswith("bearer "):
            raise Unauthenticated("需要登录：请在 Authorization 头中提供 Bearer 令牌。")
        token = authorization[7:].strip()
        try:
            key = self.jwks.get_signing_key_from_jwt(token).key if self.jwks else self.public_key
            claims = jwt.decode(token, key, algorithms=ALGORITHMS, audience=self.audience, issuer=self.issuer,
                                options={"require": ["exp", "iss", "aud", "sub"]})
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("登录已过期，请重新获取令牌。") from None
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"令牌无效（{type(exc).__name__}），请重新登录。") from None
        roles = frozenset(r for r in claims.get("roles", []) if r in ROLES)
        district = claims.get("district")
        if district is not None and district not in DISTRICTS:
            raise Unauthenticated("令牌中的区县代码无效。")
        return Principal(subject=str(claims["sub"]), roles=roles, district=district, token=token)


def issue_token(private_key: bytes, settings: Settings, *, roles: list[str], district: str | None = None,
                subject: str | None = None, ttl_seconds: int = 12 * 3600) -> str:
    """Development tokens (the `xinqing token` command and tests); production tokens come from the IdP."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(sorted(unknown))}; known: {', '.join(ROLES)}")
    if district is not None and district not in DISTRICTS:
        raise ValueError(f"unknown district code {district}; known: {', '.join(DISTRICTS)}")
    now = int(time.time())
    claims = {"iss": settings.jwt_issuer, "aud": settings.jwt_audience, "sub": subject or f"dev-{uuid.uuid4().hex[:8]}",
              "iat": now, "exp": now + ttl_seconds, "roles": roles}
    if district:
        claims["district"] = district
    return jwt.encode(claims, private_key, algorithm="ES256")
