"""The market config: the packaged default and the errors a bad file gets."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from quintex.sim.config import MarketConfigError, load_market_config, parse_market_config


def test_the_packaged_config_prices_every_default_currency_and_runs_a_maker_and_a_taker() -> None:
    config = load_market_config()
    assert set(config.sources) == {"BTC", "ETH", "SOL", "USDT", "USDC"}
    assert config.sources["USDT"].kind == "fixed" and config.sources["BTC"].gbm is not None
    assert [m.name for m in config.makers] == ["mm"] and [t.name for t in config.takers] == ["taker"]
    assert config.makers[0].levels >= 10
    assert (config.futures_carry, config.makers[0].basis_pull, config.takers[0].max_position) == (
        Decimal("0.05"), Decimal(1), Decimal(50000))
    assert config.makers[0].instruments is None, "every spot pair, swap and future"
    assert [(m.name, m.families, m.expiries, m.strikes, m.size) for m in config.option_makers] == [
        ("optmm", None, 3, 6, Decimal(5))]
    assert [(t.name, t.families, t.rate) for t in config.option_takers] == [("opttaker", None, 0.2)]


def test_option_agents_are_configured_by_family() -> None:
    config = parse_market_config('[[agents]]\nkind = "option_maker"\nfamilies = ["ETH-USD"]\nspread_pct = "6"\n'
                                 'min_spread_ticks = 2\nquotes_per_step = 10\n', "m.toml", Path("."))
    (maker,) = config.option_makers
    assert (maker.name, maker.families, maker.spread_pct, maker.min_spread_ticks, maker.quotes_per_step) == (
        "option_maker", ("ETH-USD",), Decimal(6), 2, 10)
    assert config.makers == () and config.option_takers == ()


def test_a_config_file_names_replay_files_relative_to_itself(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text('seed = 9\n[prices.BTC]\nsource = "candles"\nfile = "btc.csv"\n'
                    '[[agents]]\nkind = "taker"\ninstruments = ["BTC-USDT"]\nrate = 2\nnotional = 50\n')
    config = load_market_config(path)
    assert (config.seed, config.sources["BTC"].file) == (9, tmp_path / "btc.csv")
    assert (config.takers[0].instruments, config.takers[0].rate, config.takers[0].notional) == (
        ("BTC-USDT",), 2.0, Decimal(50))


@pytest.mark.parametrize(("text", "message"), [
    ('[prices.BTC]\nsource = "moon"\n', "source must be one of"),
    ('[prices.BTC]\nsource = "gbm"\nstart = "1"\nvol = 1\n', "unknown key vol"),
    ('[prices.BTC]\nsource = "gbm"\n', "start must be positive"),
    ('[prices.BTC]\nsource = "fixed"\nprice = "-1"\n', "price must be a non-negative decimal"),
    ('[[agents]]\nkind = "maker"\nlevels = 0\n', "levels must be an integer >= 1"),
    ('[[agents]]\nkind = "maker"\n[[agents]]\nkind = "maker"\n', "maker is used twice"),
    ('[[agents]]\nkind = "spoofer"\n', "kind must be maker, taker, option_maker or option_taker"),
    ('[[agents]]\nkind = "option_maker"\ninstruments = "*"\n', "unknown key instruments"),
    ('[[agents]]\nkind = "option_maker"\nfamilies = "BTC-USD"\n', 'families must be .* or a list'),
    ('[[agents]]\nkind = "option_maker"\nquotes_per_step = 0\n', "quotes_per_step must be an integer >= 1"),
    ('[[agents]]\nkind = "option_taker"\nsize = "0"\n', "size must be positive"),
    ('[[agents]]\nkind = "taker"\ninstruments = "BTC-USDT"\n', 'instruments must be .* or a list of instIds'),
    ('futures_carry = "-0.01"\n', "futures_carry must be a non-negative decimal"),
    ('[[agents]]\nkind = "maker"\nmax_position = 5\n', "unknown key max_position"),
    ('[[agents]]\nkind = "taker"\nmax_position = 0\n', "max_position must be positive"),
    ("seed = [", "not valid TOML"),
])
def test_a_bad_config_says_where_and_why(text: str, message: str) -> None:
    with pytest.raises(MarketConfigError, match=message):
        parse_market_config(text, "m.toml", Path("."))
