"""Positions as a core concept: keyed per account, instrument, margin mode and side; kept in snapshots."""

from __future__ import annotations

from quintex.core.engine import Engine
from quintex.core.enums import InstType, MgnMode, PosSide
from quintex.core.events import PositionChanged
from quintex.core.ids import POS_ID_BASE
from quintex.core.snapshot import dump, load
from quintex.core.state import State
from tests.builders import D


def test_a_position_is_opened_once_per_key_and_numbered_from_the_id_counter() -> None:
    s = State()
    long = s.positions.open_position(7, "BTC-USDT-SWAP", InstType.SWAP, "USDT", MgnMode.CROSS, PosSide.LONG, D("10"), 1)
    again = s.positions.open_position(7, "BTC-USDT-SWAP", InstType.SWAP, "USDT", MgnMode.CROSS, PosSide.LONG, D("5"), 2)
    short = s.positions.open_position(
        7, "BTC-USDT-SWAP", InstType.SWAP, "USDT", MgnMode.CROSS, PosSide.SHORT, D("5"), 3
    )
    assert again is long and long.pos_id == POS_ID_BASE + 1 and short.pos_id == POS_ID_BASE + 2
    assert s.positions.get(7, "BTC-USDT-SWAP", MgnMode.ISOLATED, PosSide.LONG) is None
    assert [p.pos_side for p in s.positions.of_user(7)] == [PosSide.LONG, PosSide.SHORT]


def test_closing_a_position_forgets_it_and_tells_its_last_state() -> None:
    s = State()
    position = s.positions.open_position(
        7, "BTC-USDT-SWAP", InstType.SWAP, "USDT", MgnMode.ISOLATED, PosSide.NET, D("3"), 1
    )
    position.pnl = D("12.5")
    event = s.positions.close(position)
    assert isinstance(event, PositionChanged) and event.position.realized_pnl == D("12.5")
    assert s.positions.of_user(7) == []


def test_positions_survive_a_snapshot_and_count_in_the_state_hash() -> None:
    s = State()
    position = s.positions.open_position(
        7, "BTC-USDT-SWAP", InstType.SWAP, "USDT", MgnMode.CROSS, PosSide.NET, D("10"), 1
    )
    empty_hash = Engine(State()).state_hash()
    position.pos, position.avg_px = D("-4"), D("30000.5")
    restored = load(dump(s))
    assert [p.view() for p in restored.positions.open.values()] == [position.view()]
    assert Engine(restored).state_hash() == Engine(s).state_hash() != empty_hash
