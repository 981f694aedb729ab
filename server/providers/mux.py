"""What the streams domain asks of a live-video provider: Mux (`mux_client`) or its sandbox.

The live adapter is its own module so that the Mux SDK (~6 MB, 200 modules) is
imported only by a server that has Mux credentials.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class LiveStreamSpec:
    passthrough: str  # our stream id, so a provider-side orphan can be traced back
    latency_mode: str  # standard, reduced or low
    reconnect_window: int  # seconds a dropped encoder may take to come back


@dataclass(frozen=True)
class ProvisionedStream:
    id: str
    stream_key: str
    playback_id: str | None


@dataclass(frozen=True)
class ProvisionedTestStream:
    """A throwaway live stream for a connection test: nobody can watch it, nothing is
    recorded, and the provider deletes it on its own by `expires_at`."""

    id: str
    stream_key: str
    expires_at: datetime


@dataclass(frozen=True)
class ProvisionedTarget:
    id: str
    status: str


class LiveVideoProvider(Protocol):
    """What the streams domain needs from Mux; `MuxSandbox` answers it without a network."""

    name: str

    async def create_stream(self, spec: LiveStreamSpec) -> ProvisionedStream: ...

    async def set_latency_mode(
        self, stream_id: str, latency_mode: str, reconnect_window: int
    ) -> None: ...

    async def reset_stream_key(self, stream_id: str) -> str: ...

    async def complete_stream(self, stream_id: str) -> None: ...

    async def delete_stream(self, stream_id: str) -> None: ...

    async def add_simulcast_target(
        self, stream_id: str, url: str, stream_key: str, passthrough: str
    ) -> ProvisionedTarget: ...

    async def remove_simulcast_target(self, stream_id: str, target_id: str) -> None: ...


class ConnectionTestProvider(Protocol):
    """Throwaway test streams, for a provider whose ingest has no test application (Mux)."""

    async def create_test_stream(self, passthrough: str) -> ProvisionedTestStream: ...

    async def delete_test_stream(self, test_stream_id: str, passthrough: str) -> bool:
        """Delete it if it is a test stream made with `passthrough` (True, also when it is
        already gone); False, leaving it alone, when it is anything else."""
        ...
