"""Faults the emulator can be told to inject: rate limits (429) and server errors (5xx).

A fault matches requests by HTTP method and a substring of the path and fires a given number
of times, so a test says exactly what goes wrong and where ("the next message send gets a
429 with retry_after 0.2").
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Fault:
    """One injected failure."""

    method: str
    path_contains: str
    status: int
    remaining: int = 1
    retry_after: float = 0.1
    is_global: bool = False
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        return self.remaining > 0 and self.method in (method, "*") and self.path_contains in path


@dataclass
class FaultPlan:
    """The faults still waiting to fire, and the ones that have."""

    pending: list[Fault] = field(default_factory=list)
    fired: list[Fault] = field(default_factory=list)

    def rate_limit(
        self,
        path_contains: str,
        *,
        method: str = "*",
        times: int = 1,
        retry_after: float = 0.1,
        is_global: bool = False,
    ) -> Fault:
        """Answer the next ``times`` matching requests with 429 and ``retry_after`` seconds."""
        fault = Fault(method, path_contains, 429, times, retry_after, is_global)
        self.pending.append(fault)
        return fault

    def server_error(
        self, path_contains: str, *, method: str = "*", times: int = 1, status: int = 500
    ) -> Fault:
        """Answer the next ``times`` matching requests with a 5xx status."""
        fault = Fault(method, path_contains, status, times)
        self.pending.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """The fault that fires for this request, if any (consumes one of its uses)."""
        for fault in self.pending:
            if fault.matches(method, path):
                fault.remaining -= 1
                fault.hits += 1
                if fault not in self.fired:
                    self.fired.append(fault)
                return fault
        return None
