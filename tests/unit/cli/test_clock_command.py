"""`quintex clock advance` against a server that takes its time: the server answers a chunk once it has run the
chunk's market steps, which with the market's agents takes longer than an ordinary admin call may."""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from quintex.cli import client, market
from quintex.cli.__main__ import main
from quintex.cli.admintoken import TOKEN_ENV

START_MS = 1_800_000_000_000


class SlowAdvance(BaseHTTPRequestHandler):
    """Answers `POST /admin/market/clock/advance` after `DELAY_S`, with the clock moved by the chunk."""

    DELAY_S = 0.5
    now_ms: ClassVar[int] = START_MS
    chunks: ClassVar[list[int]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        time.sleep(self.DELAY_S)
        SlowAdvance.chunks.append(int(body["ms"]))
        SlowAdvance.now_ms += int(body["ms"])
        answer = json.dumps({"now": str(SlowAdvance.now_ms)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        try:
            self.wfile.write(answer)
        except BrokenPipeError:  # the client gave up waiting
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def slow_server() -> Iterator[str]:
    SlowAdvance.now_ms, SlowAdvance.chunks = START_MS, []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), SlowAdvance)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_an_advance_waits_for_each_chunk_longer_than_an_ordinary_call(
        slow_server: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(TOKEN_ENV, "token")
    monkeypatch.setattr(client, "TIMEOUT_S", 0.1)  # an ordinary admin call gives up before the chunk is done
    monkeypatch.setattr(market, "ADVANCE_TIMEOUT_S", 5.0)
    assert main(["clock", "advance", "7m", "--server", slow_server]) == 0
    assert SlowAdvance.chunks == [300_000, 120_000]
    out = capsys.readouterr()
    assert out.out == "the clock is at 2027-01-15T08:07:00.000Z\n" and "advanced 7m00s of 7m00s (100%)" in out.err


def test_an_advance_that_gets_no_answer_in_time_says_so(
        slow_server: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(TOKEN_ENV, "token")
    monkeypatch.setattr(market, "ADVANCE_TIMEOUT_S", 0.1)
    assert main(["clock", "advance", "1m", "--server", slow_server]) == 1
    err = capsys.readouterr().err
    assert err.startswith("quintex: error: cannot reach a Quintex server") and "timed out" in err
