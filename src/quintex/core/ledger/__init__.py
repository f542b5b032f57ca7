"""Balances of every account, with a bill for every change."""
from .ledger import FEE_UID, Balance, Ledger

__all__ = ["FEE_UID", "Balance", "Ledger"]
