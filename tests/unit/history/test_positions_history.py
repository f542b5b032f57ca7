"""`account/positions-history`'s rows leave three months after their last update, exactly, however many batches
pass before (prune runs after every batch and has nothing to do until the oldest row is that old)."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.enums import MgnMode, PosSide
from quintex.core.records import PositionView
from quintex.history.positions import PositionHistory
from quintex.history.query import ARCHIVE_MS

T0 = 1_800_000_000_000
DAY = 86_400_000


def closed(pos_id: int, uid: int, u_time: int) -> PositionView:
    one = Decimal(1)
    return PositionView(pos_id, uid, "BTC-USDT-SWAP", MgnMode.CROSS, PosSide.NET, Decimal(0), one, Decimal(0), one,
                        Decimal(0), Decimal(0), Decimal(0), T0, u_time, close_total=one)


def ids(history: PositionHistory, uid: int) -> list[int]:
    return [view.pos_id for view in history.positions_history(uid)]


def test_rows_leave_three_months_after_their_last_update_and_an_update_keeps_a_row() -> None:
    history = PositionHistory()
    history.add(closed(1, 1, T0))
    history.add(closed(2, 1, T0 + DAY))
    history.add(closed(3, 2, T0 + 2 * DAY))
    history.add(closed(1, 1, T0 + 3 * DAY))  # position 1 closes more: its row is updated
    for day in range(90):
        history.prune(T0 + day * DAY)
    assert (ids(history, 1), ids(history, 2)) == ([1, 2], [3])
    history.prune(T0 + DAY + ARCHIVE_MS)  # position 2's row is exactly three months old: kept
    assert ids(history, 1) == [1, 2]
    history.prune(T0 + DAY + ARCHIVE_MS + 1)
    assert ids(history, 1) == [1]
    history.prune(T0 + 2 * DAY + ARCHIVE_MS + 1)
    assert (ids(history, 1), ids(history, 2)) == ([1], [])
    history.prune(T0 + 3 * DAY + ARCHIVE_MS + 1)
    assert ids(history, 1) == []
    history.add(closed(4, 2, T0 + 200 * DAY))
    history.prune(T0 + 200 * DAY)
    assert ids(history, 2) == [4]
