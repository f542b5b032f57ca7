// A swap's or future's figures beside the ticker: mark and index price, the funding rate with a countdown to
// the next funding time (swaps), open interest, and what one contract is. REST for the first picture, then
// the public `mark-price`, `index-tickers`, `funding-rate` and `open-interest` channels.
import { describe, publicGet, type Row } from "./api";
import { h, Notice } from "./dom";
import type { Instrument } from "./markets";
import { type Push, Socket } from "./ws";

export function isContract(inst: Instrument | null): boolean {
  return inst?.instType === "SWAP" || inst?.instType === "FUTURES";
}

/** The coin a contract is on (BTC of BTC-USDT-SWAP and of BTC-USD-SWAP). */
export function underlyingBase(inst: Instrument): string {
  return (inst.uly || inst.instFamily || inst.instId).split("-")[0];
}

export class ContractStats {
  readonly el = h("section", { class: "panel contract", "aria-label": "Contract", hidden: true });
  private readonly stats = h("dl", { class: "ticker-stats", id: "contract-stats" });
  private readonly about = h("p", { class: "hint", id: "contract-about" });
  private readonly notice = new Notice();
  private readonly values = new Map<string, HTMLElement>();
  private inst: Instrument | null = null;
  private unsubscribe: (() => void)[] = [];
  private fundingTime = 0;
  private offsetMs = 0; // exchange time − this browser's clock (the exchange may run a manual clock)
  private timer: number | undefined;

  constructor(private readonly pub: Socket) {
    this.el.append(h("h2", {}, "Contract"), this.stats, this.about, this.notice.el);
  }

  async show(inst: Instrument): Promise<void> {
    this.clear();
    if (!isContract(inst)) return;
    this.inst = inst;
    this.el.hidden = false;
    const swap = inst.instType === "SWAP";
    const rows: [string, string][] = [["Mark price", "mark-px"], ["Index price", "index-px"]];
    if (swap) rows.push(["Funding rate", "funding-rate"], ["Next funding", "funding-countdown"]);
    else rows.push(["Expiry", "expiry"]);
    rows.push(["Open interest", "open-interest"]);
    this.stats.replaceChildren(...rows.map(([label, id]) => {
      const dd = h("dd", { id }, "–");
      this.values.set(id, dd);
      return h("div", {}, h("dt", {}, label), dd);
    }));
    const settle = inst.settleCcy;
    this.about.textContent = `${inst.ctType === "inverse" ? "Inverse" : "Linear"} ${swap ? "perpetual swap" : "future"}: ` +
      `1 contract = ${inst.ctVal} ${inst.ctValCcy}, settled in ${settle}, sizes in contracts, up to ${inst.lever}×`;
    if (!swap) this.set("expiry", `${new Date(Number(inst.expTime)).toISOString().slice(0, 16).replace("T", " ")} UTC` +
      (inst.alias ? ` (${inst.alias.replace("_", " ")})` : ""));
    const index = inst.uly || inst.instFamily;
    const arg = { instId: inst.instId };
    this.unsubscribe.push(
      this.pub.subscribe({ channel: "mark-price", ...arg }, (p) => this.onMark(p)),
      this.pub.subscribe({ channel: "index-tickers", instId: index }, (p) => this.onIndex(p)),
      this.pub.subscribe({ channel: "open-interest", ...arg }, (p) => this.onOpenInterest(p)));
    if (swap) this.unsubscribe.push(this.pub.subscribe({ channel: "funding-rate", ...arg }, (p) => this.onFunding(p)));
    try {
      const [mark, idx, oi, funding] = await Promise.all([
        publicGet("/public/mark-price", { instType: inst.instType, instId: inst.instId }),
        publicGet("/market/index-tickers", { instId: index }),
        publicGet("/public/open-interest", { instType: inst.instType, instId: inst.instId }),
        swap ? publicGet("/public/funding-rate", { instId: inst.instId }) : Promise.resolve([] as Row[]),
      ]);
      if (this.inst !== inst) return;
      if (mark[0]) this.renderMark(mark[0]);
      if (idx[0]) this.renderIndex(idx[0]);
      if (oi[0]) this.renderOpenInterest(oi[0]);
      if (funding[0]) this.renderFunding(funding[0]);
    } catch (err) {
      this.notice.error(describe(err));
    }
    if (swap) this.timer = window.setInterval(() => this.tick(), 1000);
  }

  clear(): void {
    this.unsubscribe.forEach((u) => u());
    this.unsubscribe = [];
    window.clearInterval(this.timer);
    this.inst = null;
    this.fundingTime = 0;
    this.values.clear();
    this.notice.clear();
    this.el.hidden = true;
  }

  private set(id: string, text: string): void {
    const dd = this.values.get(id);
    if (dd) dd.textContent = text || "–";
  }

  private onMark(p: Push): void {
    this.renderMark(p.data[0] as Row);
  }

  private renderMark(r: Row): void {
    this.set("mark-px", r.markPx);
    this.clock(r.ts);
  }

  private onIndex(p: Push): void {
    this.renderIndex(p.data[0] as Row);
  }

  private renderIndex(r: Row): void {
    this.set("index-px", r.idxPx);
  }

  private onOpenInterest(p: Push): void {
    this.renderOpenInterest(p.data[0] as Row);
  }

  private renderOpenInterest(r: Row): void {
    const base = this.inst ? underlyingBase(this.inst) : "";
    this.set("open-interest", `${r.oi} contracts (${r.oiCcy} ${base}, ${r.oiUsd} USD)`);
  }

  private onFunding(p: Push): void {
    this.renderFunding(p.data[0] as Row);
  }

  private renderFunding(r: Row): void {
    this.set("funding-rate", percent(r.fundingRate));
    this.fundingTime = Number(r.fundingTime);
    this.clock(r.ts);
    this.tick();
  }

  private clock(ts: string | undefined): void {
    if (ts) this.offsetMs = Number(ts) - Date.now();
  }

  private tick(): void {
    if (!this.fundingTime) return;
    const left = Math.max(0, this.fundingTime - (Date.now() + this.offsetMs));
    const at = new Date(this.fundingTime).toISOString().slice(11, 16);
    this.set("funding-countdown", `in ${hms(left)} (${at} UTC)`);
  }
}

function percent(rate: string): string {
  return rate === "" || rate === undefined ? "" : `${(Number(rate) * 100).toFixed(4)}%`;
}

function hms(ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}
