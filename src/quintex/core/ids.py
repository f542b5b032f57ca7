"""Identifier counters: ids come from the engine's state, so replay reproduces them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Final

UID_BASE: Final = 1_000_000_000_000_000
ORD_ID_BASE: Final = 600_000_000_000_000_000
BILL_ID_BASE: Final = 700_000_000_000_000_000
TRADE_ID_BASE: Final = 100_000_000
TRANS_ID_BASE: Final = 10_000_000
WD_ID_BASE: Final = 50_000_000
POS_ID_BASE: Final = 800_000_000_000_000_000
ALGO_ID_BASE: Final = 650_000_000_000_000_000


@dataclass(slots=True)
class Ids:
    uid: int = UID_BASE
    ord_id: int = ORD_ID_BASE
    bill_id: int = BILL_ID_BASE
    trade_id: int = TRADE_ID_BASE
    trans_id: int = TRANS_ID_BASE
    wd_id: int = WD_ID_BASE
    pos_id: int = POS_ID_BASE
    algo_id: int = ALGO_ID_BASE

    def next_uid(self) -> int:
        self.uid += 1
        return self.uid

    def next_ord_id(self) -> int:
        self.ord_id += 1
        return self.ord_id

    def next_bill_id(self) -> int:
        self.bill_id += 1
        return self.bill_id

    def next_trade_id(self) -> int:
        self.trade_id += 1
        return self.trade_id

    def next_trans_id(self) -> int:
        self.trans_id += 1
        return self.trans_id

    def next_wd_id(self) -> int:
        self.wd_id += 1
        return self.wd_id

    def next_pos_id(self) -> int:
        self.pos_id += 1
        return self.pos_id

    def next_algo_id(self) -> int:
        self.algo_id += 1
        return self.algo_id
