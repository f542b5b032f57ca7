// The candlestick chart with volume: TradingView's lightweight-charts, fed with OKX candle arrays
// [ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm] (ts = the bar's open time, Unix ms).
import {
  CandlestickSeries, createChart, HistogramSeries, type IChartApi, type ISeriesApi, type UTCTimestamp,
} from "lightweight-charts";

const UP = "#26a69a";
const DOWN = "#ef5350";

export class CandleChart {
  private readonly chart: IChartApi;
  private readonly candles: ISeriesApi<"Candlestick">;
  private readonly volume: ISeriesApi<"Histogram">;
  private readonly times = new Set<number>();

  constructor(private readonly container: HTMLElement) {
    this.chart = createChart(container, {
      autoSize: true,
      layout: { background: { color: "#10151c" }, textColor: "#c9d1d9", attributionLogo: false },
      grid: { vertLines: { color: "#1c2430" }, horzLines: { color: "#1c2430" } },
      timeScale: { timeVisible: true, secondsVisible: true, borderColor: "#2a3441" },
      rightPriceScale: { borderColor: "#2a3441" },
    });
    this.candles = this.chart.addSeries(CandlestickSeries, {
      upColor: UP, downColor: DOWN, borderVisible: false, wickUpColor: UP, wickDownColor: DOWN,
    });
    this.volume = this.chart.addSeries(HistogramSeries, {
      priceFormat: { type: "volume" }, priceScaleId: "", lastValueVisible: false, priceLineVisible: false,
    });
    this.volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    this.candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.25 } });
  }

  /** Price precision from the instrument's tick size ("0.1" → 1 decimal). */
  setTick(tickSz: string): void {
    const decimals = tickSz.includes(".") ? tickSz.split(".")[1].length : 0;
    this.candles.applyOptions({ priceFormat: { type: "price", precision: decimals, minMove: Number(tickSz) } });
  }

  /** Every bar from REST, newest first as OKX sends them. */
  setData(rows: string[][]): void {
    const sorted = [...rows].sort((a, b) => Number(a[0]) - Number(b[0]));
    this.times.clear();
    sorted.forEach((r) => this.times.add(Number(r[0])));
    this.candles.setData(sorted.map(candle));
    this.volume.setData(sorted.map(volume));
    this.chart.timeScale().fitContent();
    this.mark();
  }

  /** One bar pushed on the candle channel (the current bar again, or a new one). */
  update(row: string[]): void {
    const ts = Number(row[0]);
    const last = Math.max(0, ...this.times);
    if (ts < last) return; // an older bar: lightweight-charts only updates the newest
    const added = !this.times.has(ts);
    this.times.add(ts);
    this.candles.update(candle(row));
    this.volume.update(volume(row));
    if (added && this.times.size <= 80) this.chart.timeScale().fitContent(); // few bars: show them all
    this.mark();
  }

  private mark(): void {
    // what the page has drawn, for people and tests: the number of bars and the newest close
    this.container.dataset.candles = String(this.times.size);
    const data = this.candles.data();
    const newest = data[data.length - 1] as { close?: number } | undefined;
    this.container.dataset.lastClose = newest?.close !== undefined ? String(newest.close) : "";
  }
}

function candle(r: string[]) {
  return { time: (Number(r[0]) / 1000) as UTCTimestamp, open: +r[1], high: +r[2], low: +r[3], close: +r[4] };
}

function volume(r: string[]) {
  return { time: (Number(r[0]) / 1000) as UTCTimestamp, value: +r[5], color: +r[4] >= +r[1] ? UP + "80" : DOWN + "80" };
}
