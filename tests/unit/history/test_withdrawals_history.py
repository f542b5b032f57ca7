"""Withdrawal history: each user's own, newest first, filtered and paged by ts like OKX's."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.enums import WithdrawDest
from quintex.core.events import Withdrawn
from quintex.history import History

from .builders import DAY, T0


def withdrawn(wd_id: int, *, uid: int = 1, ccy: str = "USDT", ts: int = T0, internal: bool = False,
              client_id: str = "") -> Withdrawn:
    dest = WithdrawDest.INTERNAL if internal else WithdrawDest.ON_CHAIN
    return Withdrawn(wd_id, uid, ccy, f"{ccy}-chain", Decimal(1), Decimal(0) if internal else Decimal("0.1"), dest,
                     "bob" if internal else "addr", 2 if internal else None, "" if internal else f"tx{wd_id}",
                     client_id, ts)


def ids(rows: list[Withdrawn]) -> list[int]:
    return [w.wd_id for w in rows]


def history() -> History:
    h = History()
    h.apply([withdrawn(1, ts=T0), withdrawn(2, ccy="BTC", ts=T0 + 10, client_id="c2"),
             withdrawn(3, ts=T0 + 20, internal=True), withdrawn(4, uid=2, ts=T0 + 30)])
    return h


def test_a_user_sees_only_their_own_withdrawals_newest_first() -> None:
    h = history()
    assert ids(h.withdrawals(1)) == [3, 2, 1]
    assert ids(h.withdrawals(2)) == [4]
    assert h.withdrawals(3) == []


def test_filters_by_currency_id_client_id_tx_id_type_and_state() -> None:
    h = history()
    assert ids(h.withdrawals(1, ccy="BTC")) == [2]
    assert ids(h.withdrawals(1, wd_id=1)) == [1]
    assert ids(h.withdrawals(1, wd_id=4)) == []
    assert ids(h.withdrawals(1, client_id="c2")) == [2]
    assert ids(h.withdrawals(1, tx_id="tx1")) == [1]
    assert ids(h.withdrawals(1, type="3")) == [3]
    assert ids(h.withdrawals(1, type="4")) == [2, 1]
    assert ids(h.withdrawals(1, state="2")) == [3, 2, 1]
    assert h.withdrawals(1, state="0") == []


def test_after_and_before_are_timestamps_and_limit_cuts_the_page() -> None:
    h = history()
    assert ids(h.withdrawals(1, after=T0 + 20)) == [2, 1]
    assert ids(h.withdrawals(1, before=T0)) == [3, 2]
    assert ids(h.withdrawals(1, after=T0 + 20, before=T0)) == [2]
    assert ids(h.withdrawals(1, limit=2)) == [3, 2]


def test_withdrawals_older_than_three_months_are_dropped() -> None:
    h = history()
    h.apply([withdrawn(5, ts=T0 + 91 * DAY)])
    assert ids(h.withdrawals(1)) == [5]
