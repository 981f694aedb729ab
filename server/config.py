"""Every server setting, read once from `FLASH_*` variables and checked at start-up."""

from functools import cached_property
from pathlib import Path

import platformdirs
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me"


class ConfigError(Exception):
    """A setting is wrong; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FLASH_", extra="ignore")

    environment: str = Field("development", description="development or production")
    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("FlashAfrica")))
    database_url: str | None = None
    redis_url: str | None = None
    redis_channel: str = "flash"
    chat_viewers_interval_s: float = Field(2.0, gt=0)  # how often changed counts are pushed
    chat_viewer_sample_s: float = Field(30.0, gt=0)  # a steady count is recorded this often
    chat_flood_events_per_s: float = Field(20.0, gt=0)  # events of any kind, per connection
    chat_flood_burst: int = Field(60, ge=1)
    secret_key: str = PLACEHOLDER_SECRET
    public_url: str = "http://127.0.0.1:8000"
    access_token_ttl_s: int = 900
    refresh_token_ttl_s: int = 60 * 60 * 24 * 30
    guest_token_ttl_s: int = 60 * 60 * 12
    login_attempts_per_minute: int = 10
    max_body_bytes: int = 64 * 1024
    log_level: str = "INFO"
    rtmp_host: str = "127.0.0.1"
    rtmp_port: int = Field(1935, ge=0, le=65535)
    platform_fee_bps: int = Field(1000, ge=0, le=10000)
    # Payments: pending ones are re-queried at their provider after `payment_query_after_s`,
    # by a sweep every `payment_sweep_interval_s`; one whose request never reached the
    # provider expires after `payment_unconfirmed_expiry_s`.
    payment_sweep_interval_s: float = Field(30.0, gt=0)
    payment_query_after_s: float = Field(60.0, ge=0)
    payment_unconfirmed_expiry_s: float = Field(900.0, gt=0)

    mux_token_id: str | None = None
    mux_token_secret: str | None = None
    mux_base_url: str = "https://api.mux.com"
    mux_webhook_secret: str | None = None
    mux_webhook_tolerance_s: int = Field(300, ge=1)
    mux_timeout_s: float = Field(10.0, gt=0)
    mux_reconnect_window_s: int = Field(60, ge=0, le=1800)
    mux_ingest_url: str = "rtmps://global-live.mux.com:443/app"
    mux_playback_base_url: str = "https://stream.mux.com"
    stripe_secret_key: str | None = None
    stripe_api_base: str = "https://api.stripe.com"
    stripe_webhook_secret: str | None = None
    stripe_publishable_key: str | None = None
    stripe_timeout_s: float = Field(20.0, gt=0)
    # The card sandbox renews a card subscription after this long (Stripe: one month).
    stripe_sandbox_renewal_s: float = Field(2_592_000.0, gt=0)
    mpesa_base_url: str = "https://sandbox.safaricom.co.ke"
    mpesa_consumer_key: str | None = None
    mpesa_consumer_secret: str | None = None
    mpesa_shortcode: str | None = None
    mpesa_passkey: str | None = None
    mpesa_timeout_s: float = Field(15.0, gt=0)
    mpesa_sandbox_delay_s: float = Field(2.0, ge=0)  # the sandbox payer's "thinking time"
    # Payouts by M-Pesa B2C: live with these three plus the consumer key and secret above.
    mpesa_b2c_shortcode: str | None = None
    mpesa_b2c_initiator_name: str | None = None
    mpesa_b2c_security_credential: str | None = None
    # A payout whose request never reached its provider fails (and is released) after this.
    payout_unsent_expiry_s: float = Field(900.0, gt=0)
    # A payout whose result has not come is asked about (Transaction Status) this often.
    payout_query_after_s: float = Field(300.0, ge=0)
    orange_base_url: str = "https://api.orange.com"
    orange_client_id: str | None = None
    orange_client_secret: str | None = None
    orange_merchant_key: str | None = None
    orange_country: str = "dev"  # WebPay's country segment: `dev` is Orange's sandbox
    orange_timeout_s: float = Field(15.0, gt=0)
    orange_sandbox_delay_s: float = Field(2.0, ge=0)  # the sandbox payer's "thinking time"
    momo_base_url: str = "https://sandbox.momodeveloper.mtn.com"
    momo_subscription_key: str | None = None
    momo_api_user: str | None = None
    momo_api_key: str | None = None
    momo_target_environment: str = "sandbox"  # or MTN's market: mtnuganda, mtnghana, ...
    momo_timeout_s: float = Field(15.0, gt=0)
    momo_sandbox_delay_s: float = Field(2.0, ge=0)  # the sandbox payer's "thinking time"
    # Payouts by MoMo Disbursements (its own product keys; base URL and environment above).
    momo_disbursement_subscription_key: str | None = None
    momo_disbursement_api_user: str | None = None
    momo_disbursement_api_key: str | None = None

    @field_validator("environment")
    @classmethod
    def _known_environment(cls, value: str) -> str:
        if value not in ("development", "production"):
            raise ValueError("FLASH_ENVIRONMENT must be 'development' or 'production'")
        return value

    @model_validator(mode="after")
    def _no_placeholder_secret_in_production(self) -> "Settings":
        if self.environment == "production" and (
            self.secret_key == PLACEHOLDER_SECRET or len(self.secret_key) < 32
        ):
            raise ValueError(
                "FLASH_SECRET_KEY must be set to a random value of at least 32 characters "
                "in production"
            )
        return self

    @cached_property
    def resolved_database_url(self) -> str:
        """The database URL with async drivers; SQLite in the data folder by default."""
        url = self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'flash.db'}"
        if url.startswith("sqlite:///"):
            url = url.replace("sqlite:///", "sqlite+aiosqlite:///", 1)
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                url = "postgresql+asyncpg://" + url[len(prefix) :]
        return url

    def provider_modes(self) -> dict[str, str]:
        """Each provider is live when its credentials are set, sandbox otherwise."""
        live = {
            "mux": bool(self.mux_token_id and self.mux_token_secret),
            "stripe": bool(self.stripe_secret_key),
            "mpesa": bool(
                self.mpesa_consumer_key
                and self.mpesa_consumer_secret
                and self.mpesa_shortcode
                and self.mpesa_passkey
            ),
            "mpesa_b2c": bool(
                self.mpesa_consumer_key
                and self.mpesa_consumer_secret
                and self.mpesa_b2c_shortcode
                and self.mpesa_b2c_initiator_name
                and self.mpesa_b2c_security_credential
            ),
            "orange_money": bool(
                self.orange_client_id and self.orange_client_secret and self.orange_merchant_key
            ),
            "mtn_momo": bool(
                self.momo_subscription_key and self.momo_api_user and self.momo_api_key
            ),
            "mtn_momo_payout": bool(
                self.momo_disbursement_subscription_key
                and self.momo_disbursement_api_user
                and self.momo_disbursement_api_key
            ),
        }
        return {name: "live" if on else "sandbox" for name, on in live.items()}


def load_settings() -> Settings:
    """Read the settings, turning a validation error into one readable line per setting."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = "FLASH_" + "_".join(str(p) for p in err["loc"]).upper() if err["loc"] else ""
            lines.append(f"{name}: {err['msg']}".strip(": "))
        raise ConfigError("; ".join(lines)) from None
