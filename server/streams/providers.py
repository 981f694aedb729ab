"""Which live-video provider a stream talks to, and the URLs that follow from it.

A new stream goes to Mux when its credentials are set and to the sandbox
otherwise; an existing stream stays with the provider that made it, so a
sandbox rehearsal keeps working after the creator adds a Mux account.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from server.config import Settings
from server.errors import ProviderUnavailable
from server.providers.mux import ConnectionTestProvider, LiveVideoProvider
from server.providers.mux_sandbox import MuxSandbox
from server.streams import ingest_events
from server.streams.models import StreamRow

MUX = "mux"
SANDBOX = "sandbox"


class StreamProviders:
    """Cheap to build (no connection is opened until a call), so one per request is fine."""

    def __init__(self, settings: Settings) -> None:
        self.sandbox: LiveVideoProvider = MuxSandbox()
        self.mux: LiveVideoProvider | None = None
        self.mux_tests: ConnectionTestProvider | None = None
        if settings.mux_token_id and settings.mux_token_secret:
            from server.providers.mux_client import MuxClient  # the SDK only where it is used

            client = MuxClient(
                settings.mux_base_url,
                settings.mux_token_id,
                settings.mux_token_secret,
                settings.mux_timeout_s,
            )
            self.mux = self.mux_tests = client

    def for_new_stream(self) -> LiveVideoProvider:
        return self.mux or self.sandbox

    def for_stream(self, stream: StreamRow) -> LiveVideoProvider:
        if stream.provider == SANDBOX:
            return self.sandbox
        if self.mux is None:
            raise _no_mux_now()
        return self.mux

    def connection_tests(self) -> ConnectionTestProvider:
        """For a Mux stream's connection test."""
        if self.mux_tests is None:
            raise _no_mux_now()
        return self.mux_tests


def _no_mux_now() -> ProviderUnavailable:
    return ProviderUnavailable(
        "this stream was made on Mux, and the server has no Mux credentials now",
        details={"provider": MUX, "status": None},
    )


@dataclass(frozen=True)
class StreamUrls:
    """Everything needed to turn a stream row into the URLs a client uses."""

    public_url: str
    sandbox_ingest_url: str
    mux_ingest_url: str
    mux_playback_base_url: str

    @classmethod
    def build(cls, settings: Settings, rtmp_port: int | None) -> "StreamUrls":
        """`rtmp_port` is the port the bundled ingest really bound (it may have picked one)."""
        port = rtmp_port if rtmp_port is not None else settings.rtmp_port
        host = urlsplit(settings.public_url).hostname
        return cls(
            public_url=settings.public_url,
            sandbox_ingest_url=f"rtmp://{host}:{port}/{ingest_events.INGEST_APP}",
            mux_ingest_url=settings.mux_ingest_url,
            mux_playback_base_url=settings.mux_playback_base_url.rstrip("/"),
        )

    def ingest_url(self, stream: StreamRow) -> str:
        return self.mux_ingest_url if stream.provider == MUX else self.sandbox_ingest_url

    def sandbox_test_url(self) -> str:
        """The sandbox ingest's `test` application beside its `live` one: it checks the key
        and drops the media. Mux's ingest has none (a publish there is a broadcast)."""
        server = self.sandbox_ingest_url.rsplit("/", 1)[0]
        return f"{server}/{ingest_events.CONNECTION_TEST_APP}"

    def playback_url(self, stream: StreamRow) -> str | None:
        if stream.provider == SANDBOX:
            return ingest_events.live_url(self.public_url, stream.id)
        return self.mux_playback_url(stream.playback_id) if stream.playback_id else None

    def mux_playback_url(self, playback_id: str) -> str:
        return f"{self.mux_playback_base_url}/{playback_id}.m3u8"
