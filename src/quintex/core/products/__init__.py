"""One module per kind of instrument; `PRODUCTS` says which instrument types the exchange can list.
A spot pair is also a MARGIN instrument: `product_for` gives the margin product to its isolated and cross
orders (OKX uses the same instId for both; the order's `tdMode` picks margin)."""
from __future__ import annotations

from ..enums import InstType, TdMode
from ..instruments import Instrument
from ..spotmargin.product import Margin
from .base import Product
from .derivative import Derivative
from .option import Option
from .spot import Spot

_DERIVATIVE = Derivative()
_MARGIN = Margin()
PRODUCTS: dict[InstType, Product] = {InstType.SPOT: Spot(), InstType.SWAP: _DERIVATIVE, InstType.FUTURES: _DERIVATIVE,
                                   InstType.OPTION: Option()}


def product_for(inst: Instrument, td_mode: TdMode) -> Product:
    """The product of an order (or a max-size question) of `td_mode` on `inst`."""
    if inst.inst_type is InstType.SPOT and td_mode in (TdMode.CROSS, TdMode.ISOLATED):
        return _MARGIN
    return PRODUCTS[inst.inst_type]


__all__ = ["PRODUCTS", "Product", "product_for"]
