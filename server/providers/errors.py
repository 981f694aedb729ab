"""How a provider call can fail, told apart by what it means for a retry.

The difference matters for money: a request that never reached the provider
may be sent again; one that may have reached it must not be, or the payer could
be charged twice.
"""


class ProviderError(Exception):
    """Base of the provider failures; messages never carry secrets or phone numbers."""


class ProviderUnreachable(ProviderError):
    """The request did not reach the provider, or the provider refused to serve it now
    (connection refused, 5xx, credentials refused): nothing happened there, retrying is safe."""


class ProviderUncertain(ProviderError):
    """The request may have reached the provider but no usable answer came back
    (timeout while reading, connection dropped): do not send it again."""


class ProviderRefused(ProviderError):
    """The provider answered and said no to this request (bad number, bad amount)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
