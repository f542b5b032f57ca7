"""`Wanted.in_text` answers as its first definition did (every event start the text holds listed by one regular
expression, then the strings of the types wanted in part looked for in the whole text), on the rows orjson writes
and on the same rows with whitespace about their commas, and on any text made of the pieces that matter."""
from __future__ import annotations

import re
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from quintex.journal.events import Only, Wanted

NAMES = ("OrderUpdated", "TradeExecuted", "Transferred", "SubAccountTransferred", "Withdrawn", "BillPosted",
         "Order", "Updated")
"""Type names, some of them a part of another."""
STRINGS = ("adl", "full_liquidation", "partial_liquidation", "filled", "a\"b", "")
WHITESPACE = ("", " ", "\n", "\t", "\r\n  ")

_EVENT_TAG = re.compile(rb'\["(\w+)"\s*,\s*\{')


def first_in_text(wanted: dict[str, Only | None], text: bytes) -> bool:
    """`Wanted.in_text` as it was first written."""
    markers = {name.encode(): None if only is None else tuple(orjson.dumps(marker) for marker in only[1])
               for name, only in wanted.items()}
    for name in set(_EVENT_TAG.findall(text)):
        if name in markers:
            found = markers[name]
            if found is None or any(marker in text for marker in found):
                return True
    return False


def _any(fields: dict[str, Any]) -> bool:
    return True


def wanteds(names: tuple[str, ...] = NAMES) -> st.SearchStrategy[dict[str, Only | None]]:
    return st.dictionaries(st.sampled_from(names), st.one_of(
        st.none(), st.lists(st.sampled_from(STRINGS), max_size=3).map(lambda strings: (_any, tuple(strings)))),
        max_size=4)


fields = st.dictionaries(st.sampled_from(("category", "state", "cl_ord_id", "ccy")),
                         st.one_of(st.sampled_from(STRINGS + NAMES), st.none(), st.integers(0, 10**18)), max_size=3)
events = st.lists(st.tuples(st.sampled_from(NAMES), fields, st.sampled_from(WHITESPACE), st.sampled_from(WHITESPACE)),
                  max_size=6)


def row_text(events: list[tuple[str, dict[str, Any], str, str]]) -> bytes:
    """A version-2 row's text, each event's comma with the whitespace given about it (none: as orjson writes)."""
    return b'{"@v":2,"events":[%s]}' % b",".join(
        b'["%s"%s,%s%s]' % (name.encode(), before.encode(), after.encode(), orjson.dumps(values))
        for name, values, before, after in events)


@settings(max_examples=400, deadline=None)
@given(events, st.data())
def test_in_text_answers_as_first_defined_on_rows(events: list[tuple[str, dict[str, Any], str, str]],
                                                  data: st.DataObject) -> None:
    wanted = data.draw(wanteds(tuple(sorted({name for name, *_ in events} | {"Withdrawn"}))))
    text = row_text(events)
    assert Wanted(wanted).in_text(text) == first_in_text(wanted, text)


pieces = st.sampled_from(['["', '"', ",", "{", "}", "[", "]", ":", *WHITESPACE, *NAMES,
                          *(orjson.dumps(s).decode() for s in STRINGS), *STRINGS, "x", "_"])


@settings(max_examples=400, deadline=None)
@given(wanteds(), st.lists(pieces, max_size=30))
def test_in_text_answers_as_first_defined_on_any_text(wanted: dict[str, Only | None], text: list[str]) -> None:
    assert Wanted(wanted).in_text("".join(text).encode()) == first_in_text(wanted, "".join(text).encode())


def test_in_text_finds_a_type_named_with_whitespace_and_not_a_longer_name() -> None:
    wanted = Wanted({"Transferred": None, "OrderUpdated": (_any, ("adl",))})
    assert wanted.in_text(b'[["Transferred" ,\n {}]]')
    assert not wanted.in_text(b'[["SubAccountTransferred",{}],["Transferred"]]')
    assert wanted.in_text(b'[["OrderUpdated"\t, {"category":"adl"}]]')
    assert not wanted.in_text(b'[["OrderUpdated",{"category":"full_liquidation"}]]')
    assert not wanted.in_text(b'[["OrderUpdated" ;{"category":"adl"}]]')
