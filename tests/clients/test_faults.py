"""Fault injection, metrics and health through real clients (python-okx, ccxt.pro, aiohttp, the CLI)
against a real server; faults are added and cleared with `quintex fault`."""
from __future__ import annotations

import asyncio
import itertools
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import aiohttp
import ccxt.pro as ccxtpro
import httpx
import pytest
from okx import PublicData, Status, Trade
from prometheus_client.parser import text_string_to_metric_families

from quintex.okx.checksum import book_checksum

from .server import Credentials, Server

names = (f"faulty{i}" for i in itertools.count())


def trade_api(server: Server, c: Credentials) -> Trade.TradeAPI:
    return Trade.TradeAPI(c.api_key, c.secret_key, c.passphrase, False, "0", domain=server.url, debug=False)


def fault(server: Server, *args: str) -> str:
    return server.cli("fault", *args).strip()


@pytest.fixture(autouse=True)
def cleared(server: Server) -> Iterator[None]:
    yield
    fault(server, "clear")


def get(server: Server, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(server.url + path, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def scrape(server: Server) -> dict[str, float]:
    """Every sample of /metrics, parsed with prometheus_client's own parser, by name{labels}."""
    status, body = get(server, "/metrics")
    assert status == 200
    samples = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}"] = sample.value
    return samples


def test_error_fault_answers_50001_with_http_503_and_no_order_exists(server: Server) -> None:
    c = server.user(next(names), USDT="100000")
    api = trade_api(server, c)
    before = scrape(server).get("quintex_faults_injected_total{kind=error}", 0)
    fid = fault(server, "add", "error", "--path", "trade/order")
    assert fid.startswith("f")
    answer = api.place_order(instId="BTC-USDT", tdMode="cash", side="buy", ordType="limit", px="100", sz="1",
                             clOrdId="refused1")
    assert answer["code"] == "50001", answer
    with httpx.Client() as raw:
        resp = raw.post(server.url + "/api/v5/trade/order", content=b"{}")
        assert resp.status_code == 503 and resp.json()["code"] == "50001"
    fault(server, "clear", fid)
    assert api.get_order_list(instType="SPOT")["data"] == []
    assert api.get_order(instId="BTC-USDT", clOrdId="refused1")["code"] == "51603"
    assert scrape(server)["quintex_faults_injected_total{kind=error}"] >= before + 2
    placed = api.place_order(instId="BTC-USDT", tdMode="cash", side="buy", ordType="limit", px="100", sz="1")
    assert placed["code"] == "0", placed  # clear restored service


def test_other_error_codes_keep_okx_http_status(server: Server) -> None:
    fault(server, "add", "error", "--path", "/api/v5/public/*", "--code", "50011")
    status, body = get(server, "/api/v5/public/time")
    assert status == 429 and json.loads(body)["code"] == "50011"
    fault(server, "clear")
    fault(server, "add", "error", "--path", "public/time", "--code", "50026")
    status, body = get(server, "/api/v5/public/time")
    assert status == 500 and json.loads(body)["code"] == "50026"
    status, _ = get(server, "/api/v5/public/instruments?instType=SPOT")
    assert status == 200  # other paths are not in scope


def test_lost_response_executes_the_order_and_the_client_finds_it_by_clordid(server: Server) -> None:
    c = server.user(next(names), USDT="100000")
    api = trade_api(server, c)
    fault(server, "add", "lost-response", "--path", "trade/order")
    with pytest.raises(httpx.HTTPError):  # the connection is dropped without an answer
        api.place_order(instId="BTC-USDT", tdMode="cash", side="buy", ordType="limit", px="101", sz="1",
                        clOrdId="lost1")
    fault(server, "clear")
    api = trade_api(server, c)
    found = api.get_order(instId="BTC-USDT", clOrdId="lost1")
    assert found["code"] == "0", found
    assert (found["data"][0]["state"], found["data"][0]["px"]) == ("live", "101.0")
    assert scrape(server)["quintex_faults_injected_total{kind=lost-response}"] >= 1


def test_every_nth_strikes_exactly_that_often(server: Server) -> None:
    fault(server, "add", "error", "--path", "public/time", "--every", "3")
    codes = [json.loads(get(server, "/api/v5/public/time")[1])["code"] for _ in range(6)]
    assert codes == ["0", "0", "50001", "0", "0", "50001"]


def test_latency_is_added(server: Server) -> None:
    public = PublicData.PublicAPI(flag="0", domain=server.url, debug=False)
    fault(server, "add", "latency", "--path", "public/time", "--latency", "300")
    start = time.monotonic()
    assert public.get_system_time()["code"] == "0"
    assert time.monotonic() - start >= 0.3
    fault(server, "add", "latency", "--path", "public/time", "--latency", "200-250", "--seed", "7")
    start = time.monotonic()
    public.get_system_time()
    assert time.monotonic() - start >= 0.5


def test_maintenance_window_shows_on_system_status_and_the_status_channel_and_refuses_orders(
        server: Server) -> None:
    c = server.user(next(names), USDT="100000")
    api = trade_api(server, c)
    status_api = Status.StatusAPI(flag="0", domain=server.url, debug=False)  # 1 request / 5 s: called once

    async def scenario() -> list[dict]:
        async with aiohttp.ClientSession() as session, \
                session.ws_connect(server.url.replace("http", "ws") + "/ws/v5/public") as ws:
            await ws.send_str(json.dumps({"op": "subscribe", "args": [{"channel": "status"}]}))
            assert json.loads((await ws.receive(5)).data)["event"] == "subscribe"
            await asyncio.to_thread(fault, server, "add", "maintenance", "--duration", "60")
            pushes = [json.loads((await ws.receive(5)).data)]
            window = status_api.status()
            assert [w["state"] for w in window["data"]] == ["ongoing"], window
            refused = api.place_order(instId="BTC-USDT", tdMode="cash", side="buy", ordType="limit", px="100",
                                      sz="1")
            assert refused["code"] == "50001", refused
            assert get(server, "/readyz")[0] == 503
            await asyncio.to_thread(fault, server, "clear")
            pushes.append(json.loads((await ws.receive(5)).data))
            return pushes

    ongoing, completed = asyncio.run(scenario())
    assert ongoing["arg"] == {"channel": "status"}
    assert ongoing["data"][0]["state"] == "ongoing" and ongoing["data"][0]["end"]
    assert completed["data"][0]["state"] == "completed"
    assert get(server, "/readyz")[0] == 200
    assert api.place_order(instId="BTC-USDT", tdMode="cash", side="buy", ordType="limit", px="100",
                           sz="1")["code"] == "0"


def test_ccxt_pro_reconnects_after_ws_drop_and_its_book_restarts_cleanly(server: Server) -> None:
    maker = server.user(next(names), USDT="100000", ETH="100")
    api = trade_api(server, maker)
    assert api.place_order(instId="ETH-BTC", tdMode="cash", side="sell", ordType="limit", px="0.05",
                           sz="1")["code"] == "0"
    before = scrape(server)

    async def scenario() -> None:
        ex = ccxtpro.okx({"apiKey": maker.api_key, "secret": maker.secret_key, "password": maker.passphrase})
        ex.urls["api"] = {"rest": server.url, "ws": server.url.replace("http://", "ws://") + "/ws/v5"}
        try:
            await ex.load_markets()
            book = await ex.watch_order_book("ETH/BTC")
            assert book["asks"] == [[0.05, 1.0]]
            await asyncio.to_thread(fault, server, "add", "ws-drop", "--channel", "books")
            await asyncio.to_thread(api.place_order, instId="ETH-BTC", tdMode="cash", side="sell",
                                    ordType="limit", px="0.06", sz="2")
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                try:
                    book = await asyncio.wait_for(ex.watch_order_book("ETH/BTC"), 5)
                except (TimeoutError, ccxtpro.NetworkError):
                    continue  # the drop reaches the pending watch; the next one reconnects
                if book["asks"] == [[0.05, 1.0], [0.06, 2.0]]:
                    break
            assert book["asks"] == [[0.05, 1.0], [0.06, 2.0]]
            await asyncio.to_thread(api.place_order, instId="ETH-BTC", tdMode="cash", side="sell",
                                    ordType="limit", px="0.07", sz="3")
            while book["asks"] != [[0.05, 1.0], [0.06, 2.0], [0.07, 3.0]]:
                book = await asyncio.wait_for(ex.watch_order_book("ETH/BTC"), 5)
        finally:
            await ex.close()

    asyncio.run(scenario())
    after = scrape(server)
    assert after["quintex_faults_injected_total{kind=ws-drop}"] >= before["quintex_faults_injected_total{kind=ws-drop}"] + 1
    assert after["quintex_ws_connections_opened_total{}"] >= before["quintex_ws_connections_opened_total{}"] + 2


def test_a_raw_books_subscriber_gets_okx_notice_close_and_a_fresh_checksummed_snapshot(server: Server) -> None:
    maker = server.user(next(names), USDT="100000", SOL="100")
    assert trade_api(server, maker).place_order(instId="SOL-USDT", tdMode="cash", side="sell", ordType="limit",
                                                px="150", sz="1")["code"] == "0"
    url = server.url.replace("http", "ws") + "/ws/v5/public"
    sub = json.dumps({"op": "subscribe", "args": [{"channel": "books", "instId": "SOL-USDT"}]})

    async def snapshot(ws: aiohttp.ClientWebSocketResponse) -> dict:
        await ws.send_str(sub)
        assert json.loads((await ws.receive(5)).data)["event"] == "subscribe"
        return json.loads((await ws.receive(5)).data)

    async def scenario() -> tuple[dict, int | None, dict]:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(url) as ws:
                first = await snapshot(ws)
                await asyncio.to_thread(fault, server, "add", "ws-drop")
                notices, close = [], None
                while True:
                    msg = await ws.receive(5)
                    if msg.type is aiohttp.WSMsgType.CLOSE:
                        close = msg.data
                    if msg.type is not aiohttp.WSMsgType.TEXT:
                        break
                    notices += [m["code"] for m in [json.loads(msg.data)] if m.get("event") == "notice"]
                assert notices == ["64008"], notices
            async with session.ws_connect(url) as ws:
                return first, close, await snapshot(ws)

    first, close, again = asyncio.run(scenario())
    assert close == 1001
    for push in (first, again):
        assert push["action"] == "snapshot"
        data = push["data"][0]
        assert data["prevSeqId"] == -1
        assert book_checksum(data["bids"], data["asks"]) == data["checksum"]


def test_ws_delay_holds_pushes_of_the_channel(server: Server) -> None:
    maker = server.user(next(names), BTC="1")
    api = trade_api(server, maker)
    url = server.url.replace("http", "ws") + "/ws/v5/public"

    async def scenario() -> float:
        async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
            await ws.send_str(json.dumps({"op": "subscribe", "args": [{"channel": "bbo-tbt",
                                                                        "instId": "BTC-USDC"}]}))
            assert json.loads((await ws.receive(5)).data)["event"] == "subscribe"
            await asyncio.to_thread(fault, server, "add", "ws-delay", "--channel", "bbo-tbt", "--latency", "400")
            start = time.monotonic()
            placed = await asyncio.to_thread(api.place_order, instId="BTC-USDC", tdMode="cash", side="sell",
                                             ordType="limit", px="60000", sz="0.01")
            assert placed["code"] == "0"
            while True:
                push = json.loads((await ws.receive(5)).data)
                if push.get("data") and [float(a[0]) for a in push["data"][0]["asks"][:1]] == [60000.0]:
                    return time.monotonic() - start

    assert asyncio.run(scenario()) >= 0.4


def test_fault_cli_adds_lists_and_clears(server: Server) -> None:
    first = fault(server, "add", "latency", "--latency", "1", "--path", "market/*", "--probability", "0.5")
    second = fault(server, "add", "error", "--op", "order", "--code", "50013", "--duration", "120")
    listed = json.loads(fault(server, "list", "--json"))
    assert [(f["id"], f["kind"]) for f in listed] == [(first, "latency"), (second, "error")]
    assert listed[0]["probability"] == 0.5 and listed[1]["op"] == "order" and listed[1]["code"] == "50013"
    text = fault(server, "list")
    assert first in text and "latency=1ms" in text and "error" in text
    assert fault(server, "clear", first) == f"cleared {first}"
    assert [f["id"] for f in json.loads(fault(server, "list", "--json"))] == [second]
    assert fault(server, "clear") == f"cleared {second}"
    assert fault(server, "list") == "no faults"
    bad = subprocess.run([sys.executable, "-m", "quintex.cli", "fault", "add", "latency", "--server", server.url,
                          "--data-dir", str(server.data_dir)], check=False, capture_output=True, text=True)
    assert bad.returncode == 1 and "needs latency" in bad.stderr


def test_metrics_parse_and_move_with_traffic_and_health_answers(server: Server) -> None:
    before = scrape(server)
    for _ in range(3):
        assert get(server, "/api/v5/public/time")[0] == 200
    get(server, "/api/v5/no/such/path")
    after = scrape(server)
    key = "quintex_http_requests_total{method=GET,route=/api/v5/public/time,status=200}"
    assert after[key] == before.get(key, 0) + 3
    code0 = "quintex_okx_answers_total{code=0,route=/api/v5/public/time}"
    assert after[code0] == before.get(code0, 0) + 3
    assert after["quintex_okx_answers_total{code=50005,route=/api/v5/*}"] >= 1
    hist = "quintex_http_request_duration_seconds_count{route=/api/v5/public/time}"
    assert after[hist] == before.get(hist, 0) + 3
    assert after["quintex_sequencer_batches_total{}"] > 0
    assert after["quintex_commands_applied_total{type=CreateUser}"] >= 1
    assert after["quintex_journal_bytes_total{}"] > 0
    assert "quintex_orders_resting{}" in after and "quintex_ws_pushes_sent_total{}" in after
    assert "quintex_sequencer_batch_size_bucket{le=+Inf}" in after
    assert get(server, "/healthz") == (200, b'{"status":"ok"}')
    status, body = get(server, "/readyz")
    assert status == 200 and json.loads(body)["checks"] == {"recovered": True, "journal": True,
                                                            "accepting_orders": True}


def test_the_grafana_dashboard_uses_only_metrics_the_server_exports(server: Server) -> None:
    import re
    from pathlib import Path

    dashboard = json.loads((Path(__file__).parents[2] / "docs" / "grafana-dashboard.json").read_text())
    used = {name for panel in dashboard["panels"] for target in panel["targets"]
            for name in re.findall(r"quintex_[a-z_]+", target["expr"])}
    body = get(server, "/metrics")[1].decode()
    exported = {name for family in text_string_to_metric_families(body)
                for name in (family.name, *(s.name for s in family.samples))}
    assert used and used <= exported, used - exported


def test_ws_trade_ops_get_the_error_code_and_lost_ones_execute(server: Server) -> None:
    from quintex.okx.signing import sign, ws_login_prehash

    c = server.user(next(names), USDT="100000")
    url = server.url.replace("http", "ws") + "/ws/v5/private"

    async def logged_in(session: aiohttp.ClientSession) -> aiohttp.ClientWebSocketResponse:
        ws = await session.ws_connect(url)
        ts = str(int(time.time()))
        await ws.send_str(json.dumps({"op": "login", "args": [{
            "apiKey": c.api_key, "passphrase": c.passphrase, "timestamp": ts,
            "sign": sign(c.secret_key, ws_login_prehash(ts))}]}))
        assert json.loads((await ws.receive(5)).data)["event"] == "login"
        return ws

    def order(req_id: str, cl_ord_id: str) -> str:
        return json.dumps({"id": req_id, "op": "order", "args": [{
            "instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "102", "sz": "1",
            "clOrdId": cl_ord_id}]})

    async def scenario() -> tuple[dict, str]:
        async with aiohttp.ClientSession() as session:
            ws = await logged_in(session)
            await asyncio.to_thread(fault, server, "add", "error", "--op", "order", "--code", "50013")
            await ws.send_str(order("1", "wsrefused"))
            refused = json.loads((await ws.receive(5)).data)
            await asyncio.to_thread(fault, server, "clear")
            await asyncio.to_thread(fault, server, "add", "lost-response", "--op", "order")
            await ws.send_str(order("2", "wslost"))
            lost = await ws.receive(5)
            await ws.close()
            return refused, lost.type.name

    refused, lost = asyncio.run(scenario())
    assert (refused["id"], refused["op"], refused["code"]) == ("1", "order", "50013")
    assert lost in ("CLOSE", "CLOSED", "ERROR")
    fault(server, "clear")
    api = trade_api(server, c)
    assert api.get_order(instId="BTC-USDT", clOrdId="wsrefused")["code"] == "51603"
    assert api.get_order(instId="BTC-USDT", clOrdId="wslost")["data"][0]["state"] == "live"
