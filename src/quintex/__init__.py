"""Quintex: a self-hosted crypto exchange that speaks the OKX API v5."""
from .native import choose

choose()  # before any module of the core is imported: its compiled modules run only while current
