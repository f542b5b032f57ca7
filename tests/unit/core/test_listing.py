"""Listing: instruments carry OKX's contract fields; only types with a product can be listed."""
from __future__ import annotations

from quintex.core.commands import CreateApiKey, CreateUser, ListInstrument, ModifyApiKey
from quintex.core.enums import InstType, OptType, Perm
from quintex.core.events import ApiKeyCreated, ApiKeyUpdated, CommandRejected, UserCreated
from quintex.core.rejects import Reject
from quintex.core.snapshot import dump, load
from quintex.core.subaccounts import MAX_KEYS
from tests.builders import D, Exchange, btc_usdt


def test_an_instrument_type_without_a_product_is_refused_and_nothing_is_listed() -> None:
    x = Exchange()
    option = btc_usdt(inst_id="BTC-USD-261225-90000-C", inst_type=InstType.OPTION, inst_id_code=2001,
                      ct_val=D("1"), ct_mult=D("0.01"), settle_ccy="BTC", uly="BTC-USD", inst_family="BTC-USD",
                      opt_type=OptType.CALL, stk=D("90000"))
    before = x.engine.snapshot()["instruments"]
    assert x.apply(ListInstrument(option)) == [CommandRejected(Reject.INST_TYPE_UNSUPPORTED, "OPTION")]
    assert x.engine.snapshot()["instruments"] == before and option.inst_id not in x.engine.instruments


def test_contract_fields_survive_a_snapshot() -> None:
    x = Exchange()
    inst = btc_usdt(inst_id="BTC-USDC", inst_id_code=1009, alias="", uly="", ct_val=D("0.01"), exp_time=None)
    x.apply(ListInstrument(inst))
    assert load(dump(x.engine._s)).instruments["BTC-USDC"] == inst


def _key(uid: int, n: int, label: str) -> CreateApiKey:
    return CreateApiKey(uid, f"key-{n}", "secret", "Pass-1234", (Perm.READ_ONLY,), (), label)


def test_an_account_has_at_most_fifty_keys_with_distinct_labels() -> None:
    x = Exchange()
    created = x.apply(CreateUser("alice"))[0]
    assert isinstance(created, UserCreated)
    uid = created.user.uid
    for n in range(MAX_KEYS):
        assert isinstance(x.apply(_key(uid, n, f"label{n}"))[0], ApiKeyCreated)
    assert x.apply(_key(uid, 99, "fresh")) == [CommandRejected(Reject.API_KEY_LIMIT)]


def test_a_label_already_used_by_another_key_of_the_account_is_refused_on_create_and_modify() -> None:
    x = Exchange()
    created = x.apply(CreateUser("alice"))[0]
    assert isinstance(created, UserCreated)
    uid = created.user.uid
    x.apply(_key(uid, 1, "desk"))
    x.apply(_key(uid, 2, "bot"))
    assert x.apply(_key(uid, 3, "desk")) == [CommandRejected(Reject.API_KEY_LABEL_EXISTS)]
    modify = ModifyApiKey(uid, "key-2", "desk", (Perm.READ_ONLY,), ())
    assert x.apply(modify) == [CommandRejected(Reject.API_KEY_LABEL_EXISTS)]
    assert isinstance(x.apply(ModifyApiKey(uid, "key-2", "bot", (Perm.TRADE,), ()))[0], ApiKeyUpdated)
