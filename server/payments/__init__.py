"""Payments: a fan pays a creator through a provider; each payment resolves exactly once."""
