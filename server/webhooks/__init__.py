"""Provider callbacks under `/api/v1/webhooks/<provider>`: verified, stored once, applied."""
