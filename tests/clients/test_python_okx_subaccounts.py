"""python-okx's SubAccount and Funding classes driving sub-accounts against a real Quintex server."""
from __future__ import annotations

import json
from decimal import Decimal

from okx import Account, Funding, SubAccount, Trade

from .server import Server

D = Decimal
PASSPHRASE = "Sub!pass123"


def test_a_master_creates_a_sub_gives_it_a_key_funds_it_and_the_sub_moves_its_own_funds(server: Server) -> None:
    master = server.user("pyokxboss", USDT="1000")
    sub_api = SubAccount.SubAccountAPI(master.api_key, master.secret_key, master.passphrase, False, "0",
                                       domain=server.url, debug=False)
    created = sub_api._request_with_params("POST", "/api/v5/users/subaccount/create-subaccount",
                                           {"subAcct": "pyokxsub1", "type": "1", "label": "desk"})
    assert created["code"] == "0" and created["data"][0]["subAcct"] == "pyokxsub1", created
    listed = sub_api.get_subaccount_list()
    assert [(s["subAcct"], s["enable"], s["canTransOut"]) for s in listed["data"]] == [("pyokxsub1", True, True)]

    made = sub_api._request_with_params("POST", "/api/v5/users/subaccount/apikey", {
        "subAcct": "pyokxsub1", "label": "bot", "passphrase": PASSPHRASE, "perm": "read_only,trade", "ip": ""})
    assert made["code"] == "0", made
    key = made["data"][0]
    shown = sub_api._request_with_params("GET", "/api/v5/users/subaccount/apikey", {"subAcct": "pyokxsub1"})
    assert [k["apiKey"] for k in shown["data"]] == [key["apiKey"]] and "secretKey" not in shown["data"][0]

    moved = Funding.FundingAPI(master.api_key, master.secret_key, master.passphrase, False, "0",
                               domain=server.url, debug=False).funds_transfer(
        ccy="USDT", amt="300", from_="18", to="6", type="1", subAcct="pyokxsub1")
    assert moved["code"] == "0", moved
    balances = sub_api.get_funding_balance(subAcct="pyokxsub1")
    assert [(b["ccy"], D(b["bal"])) for b in balances["data"]] == [("USDT", D("300"))]

    sub_funding = Funding.FundingAPI(key["apiKey"], key["secretKey"], PASSPHRASE, False, "0", domain=server.url,
                                     debug=False)
    assert sub_funding.funds_transfer(ccy="USDT", amt="100", from_="6", to="18")["code"] == "0"
    back = sub_funding.funds_transfer(ccy="USDT", amt="50", from_="18", to="18", type="3")
    assert back["code"] == "0", back
    trading = sub_api.get_account_balance(subAcct="pyokxsub1")
    assert {d["ccy"]: D(d["cashBal"]) for d in trading["data"][0]["details"]} == {"USDT": D("50")}
    own = Account.AccountAPI(key["apiKey"], key["secretKey"], PASSPHRASE, False, "0", domain=server.url,
                             debug=False).get_account_balance()
    assert {d["ccy"]: D(d["cashBal"]) for d in own["data"][0]["details"]} == {"USDT": D("50")}

    assert sub_api.set_permission_transfer_out(subAcct="pyokxsub1", canTransOut="false")["code"] == "0"
    reset = sub_api.reset_subaccount_apikey("pyokxsub1", key["apiKey"], perm="read_only")
    assert reset["code"] == "0" and reset["data"][0]["perm"] == "read_only", reset
    deleted = sub_api._request_with_params("POST", "/api/v5/users/subaccount/delete-apikey",
                                           {"subAcct": "pyokxsub1", "apiKey": key["apiKey"]})
    assert deleted["code"] == "0", deleted
    refused = sub_api.subAccount_transfer("USDT", "1", "6", "6", "pyokxsub1", "nosuchsub")
    assert refused["code"] == "58115", refused


def test_quintex_user_add_sub_makes_a_sub_account_the_master_lists_and_whose_key_works(server: Server) -> None:
    master = server.user("clibossone", USDT="10")
    made = json.loads(server.cli("user", "add-sub", "clibossone", "clisubone", "--json"))
    sub_api = SubAccount.SubAccountAPI(master.api_key, master.secret_key, master.passphrase, False, "0",
                                       domain=server.url, debug=False)
    assert [s["uid"] for s in sub_api.get_subaccount_list()["data"]] == [made["uid"]]
    own = Account.AccountAPI(made["apiKey"], made["secretKey"], made["passphrase"], False, "0", domain=server.url,
                             debug=False).get_account_balance()
    assert own["code"] == "0" and own["data"][0]["details"] == []
    refused = SubAccount.SubAccountAPI(made["apiKey"], made["secretKey"], made["passphrase"], False, "0",
                                       domain=server.url, debug=False).get_subaccount_list()
    assert refused["code"] == "59500"


def test_quintex_user_freeze_sub_stops_the_sub_accounts_orders_until_unfreeze_sub(server: Server) -> None:
    master = server.user("clifreezer", USDT="100")
    made = json.loads(server.cli("user", "add-sub", "clifreezer", "clifrozen1", "--json"))
    funding = Funding.FundingAPI(master.api_key, master.secret_key, master.passphrase, False, "0",
                                 domain=server.url, debug=False)
    assert funding.funds_transfer(ccy="USDT", amt="100", from_="18", to="18", type="1",
                                  subAcct="clifrozen1")["code"] == "0"
    sub_api = SubAccount.SubAccountAPI(master.api_key, master.secret_key, master.passphrase, False, "0",
                                       domain=server.url, debug=False)
    trade = Trade.TradeAPI(made["apiKey"], made["secretKey"], made["passphrase"], False, "0", domain=server.url,
                           debug=False)

    def buy() -> dict:
        return trade.place_order(instId="BTC-USDT", tdMode="cash", side="buy", ordType="limit", px="1000",
                                 sz="0.01")

    frozen = json.loads(server.cli("user", "freeze-sub", "clifreezer", "clifrozen1", "--json"))
    assert frozen == {"uid": made["uid"], "subAcct": "clifrozen1", "enable": False}
    assert [s["enable"] for s in sub_api.get_subaccount_list()["data"]] == [False]
    refused = buy()
    assert (refused["code"], refused["data"][0]["sCode"]) == ("1", "59508"), refused
    assert trade.get_order_list()["data"] == []

    server.cli("user", "unfreeze-sub", "clifreezer", "clifrozen1")
    assert [s["enable"] for s in sub_api.get_subaccount_list()["data"]] == [True]
    placed = buy()
    assert placed["code"] == "0", placed
    assert [o["ordId"] for o in trade.get_order_list()["data"]] == [placed["data"][0]["ordId"]]


def test_a_sibling_finds_nothing_of_a_sub_accounts_stored_history_by_its_ids(server: Server) -> None:
    """Through the store-backed history of a real server: every identifier of one sub-account's orders, fills,
    bills, transfers and withdrawals, asked for with a sibling's key, finds nothing."""
    master = server.user("isoboss1", USDT="10000", BTC="1")
    keys = {}
    for name in ("isovictim1", "isosibling1"):
        made = json.loads(server.cli("user", "add-sub", "isoboss1", name, "--withdraw", "--json"))
        keys[name] = (made["apiKey"], made["secretKey"], made["passphrase"])
    funding = Funding.FundingAPI(master.api_key, master.secret_key, master.passphrase, False, "0",
                                 domain=server.url, debug=False)
    funded = [funding.funds_transfer(ccy="USDT", amt="1000", from_="18", to="18", type="1", subAcct=name)
              for name in keys]
    assert [f["code"] for f in funded] == ["0", "0"], funded
    victim = {cls: cls(*keys["isovictim1"], False, "0", domain=server.url, debug=False)
              for cls in (Trade.TradeAPI, Account.AccountAPI, Funding.FundingAPI)}
    sibling = {cls: cls(*keys["isosibling1"], False, "0", domain=server.url, debug=False)
               for cls in (Trade.TradeAPI, Account.AccountAPI, Funding.FundingAPI)}
    placed = victim[Trade.TradeAPI].place_order(instId="BTC-USDT", tdMode="cash", side="buy", ordType="limit",
                                                px="20000", sz="0.01", clOrdId="victim1")
    ord_id = placed["data"][0]["ordId"]
    Trade.TradeAPI(master.api_key, master.secret_key, master.passphrase, False, "0", domain=server.url,
                   debug=False).place_order(instId="BTC-USDT", tdMode="cash", side="sell", ordType="limit",
                                            px="20000", sz="0.01")
    moved = victim[Funding.FundingAPI].funds_transfer(ccy="USDT", amt="100", from_="18", to="6")
    wd = victim[Funding.FundingAPI].withdrawal(ccy="USDT", amt="10", dest="4", toAddr="TXvictim", clientId="vw1")
    assert moved["code"] == wd["code"] == "0", (moved, wd)
    (fill,) = victim[Trade.TradeAPI].get_fills_history(instType="SPOT")["data"]
    (bill, *_) = victim[Account.AccountAPI].get_account_bills_archive()["data"]

    trade, account, funds = sibling[Trade.TradeAPI], sibling[Account.AccountAPI], sibling[Funding.FundingAPI]
    own_bills = {b["billId"] for b in account.get_account_bills_archive()["data"]}
    assert len(own_bills) == 1
    assert trade.get_order(instId="BTC-USDT", ordId=ord_id)["code"] == "51603"
    assert trade.get_order(instId="BTC-USDT", clOrdId="victim1")["code"] == "51603"
    for answer in (
        trade.get_orders_history(instType="SPOT"), trade.get_orders_history_archive(instType="SPOT"),
        trade.get_orders_history_archive(instType="SPOT", after=str(int(ord_id) + 1)),
        trade.get_fills(ordId=ord_id), trade.get_fills_history(instType="SPOT", ordId=ord_id),
        trade.get_fills_history(instType="SPOT", after=str(int(fill["billId"]) + 1)),
        account.get_account_bills(), account.get_account_bills_archive(after=str(int(bill["billId"]) + 1)),
        account.get_account_bills_archive(ccy="BTC"),
        funds.transfer_state(transId=moved["data"][0]["transId"]),
        funds.transfer_state(transId=funded[0]["data"][0]["transId"]),
        funds.get_withdrawal_history(wdId=wd["data"][0]["wdId"]), funds.get_withdrawal_history(clientId="vw1"),
    ):
        assert answer["code"] == "0", answer
        assert all(row.get("billId") in own_bills and row.get("ordId", "") == "" for row in answer["data"]), answer

