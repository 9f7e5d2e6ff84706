"""`python -m bench.profile_registry [seconds]`: the registry as a process under closed-loop POST /youth,
sampled by py-spy (folded stacks in .bench/registry.folded) with CPU ms per command of each process."""
from __future__ import annotations

import sys
from pathlib import Path

from chassis.settings import PROJECT_ROOT

from .spy import profile_closed_loop
from .stack import BenchStack, on_fresh_stack
from .workloads import register


async def profile(stack: BenchStack, seconds: int, out: Path) -> None:
    async with stack.client("registry") as c:
        async def op(i: int) -> None:
            await register(c, i, 8)

        await op(99_999_999)
        await profile_closed_loop(stack, "registry", op, seconds=seconds, out=out, rate_hz=200, unit="command")


def main() -> None:
    out = PROJECT_ROOT / ".bench" / "registry.folded"
    out.parent.mkdir(exist_ok=True)
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    on_fresh_stack(lambda stack: profile(stack, seconds, out), ["registry"])


if __name__ == "__main__":
    main()
