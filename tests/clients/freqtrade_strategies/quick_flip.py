"""A freqtrade strategy that buys at once and sells as soon as the buy filled (ROI of -100%)."""
from freqtrade.strategy import IStrategy
from pandas import DataFrame


class QuickFlip(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "1m"
    minimal_roi = {"0": -1}  # noqa: RUF012 - freqtrade reads class attributes
    stoploss = -0.5
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
