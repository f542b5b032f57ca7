"""One module per kind of instrument; `PRODUCTS` says which instrument types the exchange can list."""
from __future__ import annotations

from ..enums import InstType
from .base import Product
from .derivative import Derivative
from .option import Option
from .spot import Spot

_DERIVATIVE = Derivative()
PRODUCTS: dict[InstType, Product] = {InstType.SPOT: Spot(), InstType.SWAP: _DERIVATIVE, InstType.FUTURES: _DERIVATIVE,
                                   InstType.OPTION: Option()}

__all__ = ["PRODUCTS", "Product"]
