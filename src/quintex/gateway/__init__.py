"""The OKX v5 web face of the exchange (aiohttp): REST routes, auth, rate limits, admin API."""
