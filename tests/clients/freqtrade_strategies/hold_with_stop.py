"""A freqtrade strategy that buys once and holds: only its 3 % stop-loss (placed on the exchange when the
config says `stoploss_on_exchange`) ends the trade."""
from freqtrade.persistence import Trade
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class HoldWithStop(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "1m"
    minimal_roi = {"0": 100}  # noqa: RUF012 - freqtrade reads class attributes
    stoploss = -0.03
    startup_candle_count = 30
    process_only_new_candles = False

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["sma"] = dataframe["close"].rolling(20).mean()
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["enter_long"] = dataframe["sma"].notna().astype(int)
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["exit_long"] = 0
        return dataframe

    def confirm_trade_entry(self, pair: str, order_type: str, amount: float, rate: float, time_in_force: str,
                            current_time: object, entry_tag: str | None, side: str, **kwargs: object) -> bool:
        return not Trade.get_trades_proxy(pair=pair)  # one trade per run
