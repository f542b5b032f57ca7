// Markets: every instrument by type, the 24 h ticker, candles with volume at every OKX bar size, the
// order book with depth and the recent trades; REST for the first picture, WebSocket pushes after.
import { publicGet, describe, type Row } from "./api";
import { CandleChart } from "./chart";
import { ContractStats, isContract, underlyingBase } from "./contract";
import { type Column, field, fillTable, h, Notice, select, sideCell, time } from "./dom";
import { defaultOption, family, isOption, OptionChain } from "./options";
import { type Push, Socket } from "./ws";

export interface Instrument extends Row {
  instId: string;
  instType: string;
  baseCcy: string;
  quoteCcy: string;
  tickSz: string;
  lotSz: string;
  minSz: string;
}

export const INST_TYPES = ["SPOT", "SWAP", "FUTURES", "OPTION"];
export const BARS = [
  "1s", "1m", "3m", "5m", "15m", "30m", "1H", "2H", "4H", "6H", "12H", "1D", "2D", "3D", "1W", "1M", "3M",
  "6Hutc", "12Hutc", "1Dutc", "2Dutc", "3Dutc", "1Wutc", "1Mutc", "3Mutc",
];
const BOOK_LEVELS = 10;
const TRADES_SHOWN = 30;

type Level = string[]; // [px, sz, "0", orders] as pushed; kept as [px, sz, orders]

export class Markets {
  readonly listEl = h("nav", { class: "panel instruments", "aria-label": "Instruments" });
  readonly headEl = h("section", { class: "panel ticker", "aria-label": "Ticker" });
  readonly chartEl = h("section", { class: "panel chart-panel", "aria-label": "Chart" });
  readonly bookEl = h("section", { class: "panel book", "aria-label": "Order book" });
  readonly tradesEl = h("section", { class: "panel trades", "aria-label": "Recent trades" });
  readonly contract: ContractStats;
  readonly options: OptionChain;
  instruments: Instrument[] = [];
  current: Instrument | null = null;
  bar = "1m";

  private readonly chartBox = h("div", { class: "chart", id: "chart" });
  private readonly chart = new CandleChart(this.chartBox);
  private readonly barSelect = select(BARS.map((b) => [b, b]), { id: "bar" });
  private readonly candleText = h("p", { class: "candle-text", id: "last-candle" });
  private readonly tickerBox = h("dl", { class: "ticker-stats", id: "ticker" });
  private readonly askTable = h("table", { class: "book-side asks", id: "book-asks" });
  private readonly bidTable = h("table", { class: "book-side bids", id: "book-bids" });
  private readonly spread = h("p", { class: "spread", id: "spread" });
  private readonly tradeTable = h("table", { id: "trades" });
  private readonly notice = new Notice();
  private readonly lastPx = new Map<string, HTMLElement>();
  private unsubscribe: (() => void)[] = [];
  private asks = new Map<string, Level>();
  private bids = new Map<string, Level>();
  private bookSeq = -1;
  private bookUnsub: (() => void) | null = null;
  private trades: Row[] = [];
  private renderPending = false;

  constructor(private readonly pub: Socket, private readonly biz: Socket,
    private readonly onSelect: (inst: Instrument, bar: string) => void) {
    this.contract = new ContractStats(pub);
    this.options = new OptionChain(pub, (inst) => this.onSelect(inst, this.bar),
      () => this.bar);
    this.barSelect.addEventListener("change", () => this.onSelect(this.current!, this.barSelect.value));
    this.chartEl.append(
      h("div", { class: "chart-tools" }, field("Bar", this.barSelect), h("span", { class: "hint" }, "times in UTC")),
      this.chartBox, this.candleText);
    this.headEl.append(this.tickerBox, this.notice.el);
    this.bookEl.append(h("h2", {}, "Order book"), this.askTable, this.spread, this.bidTable);
    this.tradesEl.append(h("h2", {}, "Recent trades"), this.tradeTable);
  }

  async load(): Promise<void> {
    const lists = await Promise.all(INST_TYPES.map((t) => publicGet<Instrument>("/public/instruments", { instType: t })
      .catch(() => [] as Instrument[])));
    this.instruments = lists.flat().filter((i) => i.state !== "suspend");
    this.renderList();
  }

  async show(instId: string, bar: string): Promise<void> {
    const inst = this.instruments.find((i) => i.instId === instId) ?? this.instruments[0];
    if (!inst) return;
    const sameInst = this.current?.instId === inst.instId;
    if (sameInst && this.bar === bar) return;
    this.bar = BARS.includes(bar) ? bar : "1m";
    this.barSelect.value = this.bar;
    this.current = inst;
    this.listEl.querySelectorAll("a").forEach((a) => {
      a.toggleAttribute("aria-current", a.dataset.inst === inst.instId ||
        (isOption(inst) && a.dataset.family === family(inst)));
      a.setAttribute("href", `#/markets/${a.dataset.inst}/${this.bar}`); // switching instruments keeps the bar
    });
    this.unsubscribe.forEach((u) => u());
    this.unsubscribe = [];
    this.notice.clear();
    this.chart.setTick(inst.tickSz);
    void this.contract.show(inst);
    if (isOption(inst)) void this.options.show(inst, this.instruments);
    else this.options.clear();
    this.subscribeBook(inst.instId);
    const candleArg = { channel: `candle${this.bar}`, instId: inst.instId };
    this.unsubscribe.push(this.pub.subscribe({ channel: "trades", instId: inst.instId }, (p) => this.onTrades(p)));
    try {
      const [ticker, candles, trades] = await Promise.all([
        publicGet("/market/ticker", { instId: inst.instId }),
        publicGet<string[]>("/market/candles", { instId: inst.instId, bar: this.bar, limit: "300" }),
        publicGet("/market/trades", { instId: inst.instId, limit: String(TRADES_SHOWN) }),
      ]);
      if (this.current !== inst) return;
      if (ticker[0]) this.renderTicker(ticker[0]);
      this.chart.setData(candles);
      this.describeCandle(candles[0]);
      this.trades = trades;
      this.renderTrades();
    } catch (err) {
      this.notice.error(describe(err));
    }
    this.unsubscribe.push(this.biz.subscribe(candleArg, (p) => {
      for (const row of p.data as string[][]) {
        this.chart.update(row);
        this.describeCandle(row);
      }
    }));
  }

  private renderList(): void {
    this.listEl.replaceChildren(h("h2", {}, "Markets"));
    for (const type of INST_TYPES) {
      const insts = this.instruments.filter((i) => i.instType === type);
      if (!insts.length) continue;
      if (type === "OPTION") {
        this.listEl.append(h("h3", {}, type), this.familyList(insts));
        continue;
      }
      const list = h("ul", { "aria-label": `${type} instruments` });
      for (const inst of insts) {
        const last = h("span", { class: "num" });
        this.lastPx.set(inst.instId, last);
        list.append(h("li", {}, h("a", { href: `#/markets/${inst.instId}/${this.bar}`, "data-inst": inst.instId },
          h("span", {}, inst.instId), last)));
        this.pub.subscribe({ channel: "tickers", instId: inst.instId }, (p) => this.onTicker(p));
      }
      this.listEl.append(h("h3", {}, type), list);
    }
    if (!this.instruments.length) this.listEl.append(h("p", { class: "empty" }, "No instruments listed."));
  }

  /** Options by family: each link opens the family's chain (at its nearest expiry's middle call). */
  private familyList(options: Instrument[]): HTMLUListElement {
    const list = h("ul", { "aria-label": "OPTION families" });
    for (const fam of [...new Set(options.map(family))]) {
      const first = defaultOption(options.filter((o) => family(o) === fam));
      if (!first) continue;
      list.append(h("li", {}, h("a", { href: `#/markets/${first.instId}/${this.bar}`, "data-inst": first.instId,
        "data-family": fam }, h("span", {}, `${fam} options`))));
    }
    return list;
  }

  private onTicker(p: Push): void {
    const t = p.data[0] as Row;
    const cell = this.lastPx.get(t.instId);
    if (cell) cell.textContent = t.last;
    if (t.instId === this.current?.instId) this.renderTicker(t);
  }

  private renderTicker(t: Row): void {
    const inst = this.current!;
    const change = Number(t.open24h) ? (Number(t.last) / Number(t.open24h) - 1) * 100 : 0;
    // a contract's vol24h counts contracts and its volCcy24h the underlying coin; a spot pair's, base and quote
    const contracts = isContract(inst) || isOption(inst);
    const [vol, volCcy] = contracts ? ["contracts", underlyingBase(inst)] : [inst.baseCcy, inst.quoteCcy];
    const stats: [string, string, string?][] = [
      ["Last", t.last, "ticker-last"],
      ["24h change", `${change >= 0 ? "+" : ""}${change.toFixed(2)}%`],
      ["24h high", t.high24h], ["24h low", t.low24h],
      [`24h volume (${vol})`, t.vol24h], [`24h ${contracts ? "volume" : "turnover"} (${volCcy})`, t.volCcy24h],
      ["Best bid", t.bidPx], ["Best ask", t.askPx],
    ];
    this.tickerBox.replaceChildren(h("div", { class: "inst-name" }, h("h1", {}, inst.instId)),
      ...stats.map(([k, v, id]) => h("div", { class: k === "24h change" ? (change >= 0 ? "buy" : "sell") : "" },
        h("dt", {}, k), h("dd", { id }, v || "–"))));
  }

  private describeCandle(row: string[] | undefined): void {
    this.candleText.textContent = row
      ? `${this.bar} bar ${new Date(Number(row[0])).toISOString().replace(".000Z", "Z")}: open ${row[1]}, ` +
        `high ${row[2]}, low ${row[3]}, close ${row[4]}, volume ${row[5]}`
      : `No ${this.bar} bars yet: there have been no trades.`;
  }

  private onBook(p: Push): void {
    const d = p.data[0] as { asks: Level[]; bids: Level[]; seqId: number; prevSeqId: number };
    if (p.action === "snapshot") {
      this.asks.clear();
      this.bids.clear();
    } else if (d.prevSeqId !== this.bookSeq) {
      this.subscribeBook(this.current!.instId); // a gap: start again from a fresh snapshot
      return;
    }
    this.bookSeq = d.seqId;
    for (const [side, levels] of [[this.asks, d.asks], [this.bids, d.bids]] as const) {
      for (const lvl of levels) {
        if (Number(lvl[1]) === 0) side.delete(lvl[0]);
        else side.set(lvl[0], [lvl[0], lvl[1], lvl[3] ?? ""]);
      }
    }
    this.scheduleRender();
  }

  private subscribeBook(instId: string): void {
    this.bookUnsub?.();
    this.asks.clear();
    this.bids.clear();
    this.bookSeq = -1;
    this.bookUnsub = this.pub.subscribe({ channel: "books", instId }, (p) => this.onBook(p));
    this.scheduleRender();
  }

  private scheduleRender(): void {
    if (this.renderPending) return;
    this.renderPending = true;
    window.setTimeout(() => {
      this.renderPending = false;
      this.renderBook();
    }, 50);
  }

  private renderBook(): void {
    const asks = [...this.asks.values()].sort((a, b) => Number(a[0]) - Number(b[0])).slice(0, BOOK_LEVELS);
    const bids = [...this.bids.values()].sort((a, b) => Number(b[0]) - Number(a[0])).slice(0, BOOK_LEVELS);
    const cumulative = (levels: Level[]) => {
      let sum = 0;
      return levels.map((l) => ({ px: l[0], sz: l[1], n: l[2], total: (sum += Number(l[1])) }));
    };
    const askRows = cumulative(asks);
    const bidRows = cumulative(bids);
    const max = Math.max(askRows.at(-1)?.total ?? 0, bidRows.at(-1)?.total ?? 0) || 1;
    type R = (typeof askRows)[number];
    const cols = (side: string): Column<R>[] => [
      { title: `${side} price`, cell: (r) => h("span", { class: side === "Ask" ? "sell" : "buy" }, r.px), num: true },
      { title: "Size", cell: (r) => r.sz, num: true },
      { title: "Total", cell: (r) => fmtTotal(r.total), num: true },
      { title: "Orders", cell: (r) => r.n, num: true },
    ];
    const depth = (color: string) => (r: R) => ({
      style: `background: linear-gradient(to left, ${color} ${(r.total / max) * 100}%, transparent 0)`,
    });
    fillTable(this.askTable, cols("Ask"), askRows.reverse(), "No asks", depth("rgba(239,83,80,.16)"));
    fillTable(this.bidTable, cols("Bid"), bidRows, "No bids", depth("rgba(38,166,154,.16)"));
    this.askTable.setAttribute("aria-label", "Asks");
    this.bidTable.setAttribute("aria-label", "Bids");
    const bestAsk = asks[0]?.[0];
    const bestBid = bids[0]?.[0];
    this.spread.textContent = bestAsk && bestBid
      ? `Spread ${trim(Number(bestAsk) - Number(bestBid), this.current!.tickSz)}` : "Spread –";
  }

  private onTrades(p: Push): void {
    this.trades = [...(p.data as Row[]).reverse(), ...this.trades].slice(0, TRADES_SHOWN);
    this.renderTrades();
  }

  private renderTrades(): void {
    fillTable(this.tradeTable, [
      { title: "Time", cell: (t) => time(t.ts) },
      { title: "Price", cell: (t) => h("span", { class: t.side === "buy" ? "buy" : "sell" }, t.px), num: true },
      { title: "Size", cell: (t) => t.sz, num: true },
      { title: "Side", cell: (t) => sideCell(t.side) },
    ], this.trades, "No trades yet");
    this.tradeTable.setAttribute("aria-label", "Recent trades");
  }
}

function fmtTotal(n: number): string {
  return Number(n.toPrecision(12)).toString();
}

function trim(n: number, tick: string): string {
  const decimals = tick.includes(".") ? tick.split(".")[1].length : 0;
  return n.toFixed(decimals);
}
