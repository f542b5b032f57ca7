"""One module per kind of instrument; `registry` says which product trades an order (`product_for`) and which
instrument types the exchange can list (`PRODUCTS`)."""
from __future__ import annotations

from .base import Product
from .registry import PRODUCTS, product_for

__all__ = ["PRODUCTS", "Product", "product_for"]
