"""A creator's earnings: the ledger says what moved, the payments what is in flight."""
