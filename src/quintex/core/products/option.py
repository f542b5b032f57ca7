"""Options are listed and priced (`options/`, `lifecycle/options.py`) but not traded yet: every order on one,
and every max-size question about one, is refused with OKX's "option trading not activated" (51147), before
anything is reserved. The rest of the interface is the derivative one it will build on, never reached."""
from __future__ import annotations

from decimal import Decimal

from ..commands import PlaceOrder
from ..enums import TdMode
from ..instruments import Instrument
from ..records import MaxAvailSize, MaxSize
from ..rejects import Reject
from ..state import State
from .derivative import Derivative


class Option(Derivative):
    def admits(self, s: State, cmd: PlaceOrder, inst: Instrument) -> Reject | None:
        return Reject.OPTION_TRADING_UNAVAILABLE

    def max_size(self, s: State, uid: int, inst: Instrument, td_mode: TdMode, px: Decimal | None) -> MaxSize | Reject:
        return Reject.OPTION_TRADING_UNAVAILABLE

    def max_avail_size(self, s: State, uid: int, inst: Instrument, td_mode: TdMode) -> MaxAvailSize | Reject:
        return Reject.OPTION_TRADING_UNAVAILABLE
