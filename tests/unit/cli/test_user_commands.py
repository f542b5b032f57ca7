"""The `quintex user` side: --fund parsing, the admin token file, and errors without tracebacks."""
from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from quintex.cli.__main__ import main
from quintex.cli.admintoken import TOKEN_ENV, admin_token, ensure_admin_token
from quintex.cli.client import admin_post
from quintex.cli.errors import CliError
from quintex.cli.users import parse_funds


def test_funds_are_parsed_as_exact_decimal_strings_with_upper_case_currencies() -> None:
    assert parse_funds(["USDT=100000", "btc=0.5"]) == {"USDT": "100000", "BTC": "0.5"}
    assert parse_funds([]) == {}


@pytest.mark.parametrize("spec", ["USDT", "USDT=", "=5", "USDT=-1", "USDT=1e5", "USDT=0", "US DT=1"])
def test_a_bad_fund_is_refused(spec: str) -> None:
    with pytest.raises(CliError, match="CCY=AMOUNT"):
        parse_funds([spec])


def test_the_same_currency_twice_is_refused() -> None:
    with pytest.raises(CliError, match="USDT twice"):
        parse_funds(["USDT=1", "usdt=2"])


def test_the_admin_token_file_is_created_private_and_then_reused(tmp_path: Path) -> None:
    token = ensure_admin_token(tmp_path)
    path = tmp_path / "admin-token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(token) >= 32
    assert ensure_admin_token(tmp_path) == token
    assert admin_token(tmp_path) == token


def test_a_too_open_token_file_is_made_private_again(tmp_path: Path) -> None:
    (tmp_path / "admin-token").write_text("kept-token\n")
    os.chmod(tmp_path / "admin-token", 0o644)
    assert ensure_admin_token(tmp_path) == "kept-token"
    assert stat.S_IMODE((tmp_path / "admin-token").stat().st_mode) == 0o600


def test_the_token_environment_variable_overrides_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ensure_admin_token(tmp_path)
    monkeypatch.setenv(TOKEN_ENV, "from-env")
    assert admin_token(tmp_path) == "from-env"


def test_no_token_anywhere_says_where_it_looked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    with pytest.raises(CliError, match="admin-token does not exist"):
        admin_token(tmp_path)


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_server_that_is_down_is_a_clear_error() -> None:
    server = f"http://127.0.0.1:{unused_port()}"
    with pytest.raises(CliError, match="cannot reach a Quintex server at .* is `quintex serve` running"):
        admin_post(server, "token", "/admin/users", {"name": "alice"})


def test_user_add_against_a_down_server_exits_1_with_a_message(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "token")
    code = main(["user", "add", "alice", "--server", f"http://127.0.0.1:{unused_port()}"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("quintex: error: cannot reach") and "Traceback" not in err
