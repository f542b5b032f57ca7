"""A request the WebSocket gateway cannot read: answered with 60012 quoting the raw request."""
from __future__ import annotations


class Malformed(Exception):
    """Not an OKX request (bad JSON, wrong shapes, a required argument missing)."""
