"""The terminal-order memory answers exactly as an OrderedDict evicting its oldest past the bound."""
from __future__ import annotations

import random
from collections import OrderedDict

from quintex.core.enums import OrdState
from quintex.core.terminal import TerminalOrders

STATES = (OrdState.CANCELED, OrdState.FILLED)


def test_same_contents_and_order_as_an_ordered_dict_across_chunks() -> None:
    rng = random.Random(7)
    memory = TerminalOrders(bound=50, chunk=8)
    reference: OrderedDict[int, tuple[int, OrdState]] = OrderedDict()
    for ord_id in rng.sample(range(600_000_000_000_000_000, 600_000_000_000_002_000), 1_000):  # each finishes once
        uid, state = 1_000_000_000_000_000 + rng.randrange(5), rng.choice(STATES)
        memory.remember(ord_id, uid, state)
        reference[ord_id] = (uid, state)
        if len(reference) > 50:
            reference.popitem(last=False)
        assert len(memory) == len(reference)
    assert list(memory.items()) == list(reference.items())
    for ord_id in [*reference, 1, 2, 600_000_000_000_000_001]:
        assert memory.get(ord_id) == reference.get(ord_id)


def test_rows_restore_in_order_and_keep_evicting_from_the_oldest() -> None:
    rows = [(10, 1, OrdState.FILLED), (11, 2, OrdState.CANCELED), (12, 1, OrdState.CANCELED)]
    memory = TerminalOrders(rows, bound=3, chunk=2)
    memory.remember(13, 2, OrdState.FILLED)
    assert list(memory.items()) == [(11, (2, OrdState.CANCELED)), (12, (1, OrdState.CANCELED)),
                                    (13, (2, OrdState.FILLED))]
    assert memory.get(10) is None


def test_rows_restore_as_if_remembered_one_by_one() -> None:
    """Restoring fills the chunks at once: the same contents, order and evictions as remembering each row."""
    rng = random.Random(3)
    for count in (0, 8, 16, 50):  # a snapshot holds at most the bound
        rows = [(ord_id, 1_000 + rng.randrange(3), rng.choice(STATES)) for ord_id in rng.sample(range(100), count)]
        restored, remembered = TerminalOrders(rows, bound=50, chunk=8), TerminalOrders(bound=50, chunk=8)
        for row in rows:
            remembered.remember(*row)
        assert list(restored.items()) == list(remembered.items()) and len(restored) == len(remembered)
        for n in range(120):
            restored.remember(500 + n, 7, OrdState.FILLED)
            remembered.remember(500 + n, 7, OrdState.FILLED)
            assert list(restored.items()) == list(remembered.items()) and len(restored) == len(remembered)
