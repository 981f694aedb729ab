"""The double-entry ledger: immutable entries whose postings balance to zero per currency."""
