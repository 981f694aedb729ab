"""`GET /api/v1/health`: is the server up, and which providers are live or sandboxed."""

from typing import Literal

from pydantic import BaseModel


class ProviderStatus(BaseModel):
    name: str
    mode: Literal["live", "sandbox"]


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    database: Literal["ok", "unavailable"]
    providers: list[ProviderStatus]
    sandbox: bool
    rtmp_port: int | None = None
