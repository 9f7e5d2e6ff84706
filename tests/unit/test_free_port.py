"""free_port never hands the same port out twice in one process, even when the kernel offers it again."""
from __future__ import annotations

from xinqing.launcher import ports


class KernelRepeating:
    """A socket whose bind to port 0 gets the ports of `offered` in turn, as a kernel may."""

    offered: list[int] = []

    def __init__(self, *_args: object) -> None:
        self.port = 0

    def __enter__(self) -> KernelRepeating:
        return self

    def __exit__(self, *_exc: object) -> None:
        pass

    def bind(self, _address: tuple[str, int]) -> None:
        self.port = self.offered.pop(0)

    def getsockname(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)


def test_a_port_the_kernel_offers_again_is_not_handed_out_twice(monkeypatch):
    KernelRepeating.offered = [40281, 40281, 40282]
    monkeypatch.setattr(ports.socket, "socket", KernelRepeating)
    monkeypatch.setattr(ports, "_handed_out", set())
    assert [ports.free_port(), ports.free_port()] == [40281, 40282]
