"""OKX's book checksum, against the vectors of the spec (§6)."""
from __future__ import annotations

from quintex.okx.checksum import book_checksum


def test_checksum_of_one_bid_and_three_asks_matches_okx_docs() -> None:
    assert book_checksum([["3366.1", "7"]], [["3366.8", "9"], ["3368", "8"], ["3372", "8"]]) == 831078360


def test_checksum_is_signed_32_bit() -> None:
    bids, asks = [["43231.1", "4"], ["43231", "6"]], [["43232.8", "9"], ["43232.9", "8"]]
    assert book_checksum(bids, asks) == -1504501796


def test_only_the_top_25_levels_count_and_the_longer_side_continues_alone() -> None:
    bids = [[str(100 - i), "1", "0", "1"] for i in range(30)]
    asks = [["101", "2", "0", "1"]]
    assert book_checksum(bids, asks) == book_checksum(bids[:25], asks)
    assert book_checksum(bids[:25], asks) != book_checksum(bids[:24], asks)


def test_an_empty_book_has_checksum_zero() -> None:
    assert book_checksum([], []) == 0
