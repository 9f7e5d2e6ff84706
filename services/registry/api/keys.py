"""Master-key rotation: re-wrap every person key under the current master key (admin only)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from chassis.auth import Principal
from chassis.service import caller

from ..deps import runtime

router = APIRouter(tags=["keys"])


@router.post("/admin/keys:rewrap", summary="主密钥轮换：用当前主密钥重新封装所有个人数据密钥")
async def rewrap(request: Request, who: Principal = Depends(caller)) -> dict:
    who.require("admin")
    rt = runtime(request)
    vault = rt.deps.vault
    done = await vault.rewrap()
    remaining = await vault.not_rewrapped()
    return {"rewrapped": done, "remaining": remaining, "keyId": vault.master_key_id}
