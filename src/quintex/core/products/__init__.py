"""One module per kind of instrument; `PRODUCTS` says which instrument types the exchange can list."""
from __future__ import annotations

from ..enums import InstType
from .base import Product
from .spot import Spot

PRODUCTS: dict[InstType, Product] = {InstType.SPOT: Spot()}

__all__ = ["PRODUCTS", "Product"]
