"""`python -m bench.profile_mutation [seconds]`: the gateway's reader under closed-loop registerYouth
(8 in flight), a projector beside it, sampled by py-spy (folded stacks in .bench/mutation.folded)."""
from __future__ import annotations

import sys

from chassis.settings import PROJECT_ROOT

from .spy import profile_closed_loop
from .stack import BenchStack, on_fresh_stack
from .workloads import register_graphql


def main() -> None:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    out = PROJECT_ROOT / ".bench" / "mutation.folded"
    out.parent.mkdir(exist_ok=True)

    async def work(stack: BenchStack) -> None:
        stack.split_gateway()
        async with stack.client("gateway", connections=8) as client:
            async def op(i: int) -> None:
                await register_graphql(client, i, 7)

            for i in range(50):  # warm
                await op(90_000_000 + i)
            await profile_closed_loop(stack, "gateway", op, seconds=seconds, out=out, rate_hz=100,
                                      unit="registerYouth")

    on_fresh_stack(work, ["registry"])


if __name__ == "__main__":
    main()
