// Options: a family's chain for one expiry (calls | strike | puts) with each option's mark price, mark
// volatility and delta, and the selected option's mark and greeks. `public/opt-summary` and
// `public/mark-price` for the first picture, then the `opt-summary` channel (each push reads the marks again).
import { describe, publicGet, type Row } from "./api";
import { debounce, field, h, Notice, select } from "./dom";
import type { Instrument } from "./markets";
import { type Push, Socket } from "./ws";

export function isOption(inst: Instrument | null): boolean {
  return inst?.instType === "OPTION";
}

export function family(inst: Instrument): string {
  return inst.instFamily || inst.uly;
}

/** The option a family's link opens: the call nearest the middle of its nearest expiry's strikes. */
export function defaultOption(options: Instrument[]): Instrument | undefined {
  const expiry = Math.min(...options.map((o) => Number(o.expTime)));
  const calls = options.filter((o) => Number(o.expTime) === expiry && o.optType === "C")
    .sort((a, b) => Number(a.stk) - Number(b.stk));
  return calls[Math.floor(calls.length / 2)];
}

interface Cells {
  mark: HTMLAnchorElement;
  vol: HTMLElement;
  delta: HTMLElement;
}

const GREEKS: [string, string][] = [
  ["Mark price", "opt-mark"], ["Mark vol", "opt-mark-vol"], ["Delta", "opt-delta"], ["Gamma", "opt-gamma"],
  ["Theta", "opt-theta"], ["Vega", "opt-vega"], ["Delta (BS, USD)", "opt-delta-bs"], ["Forward", "opt-fwd"],
];

export class OptionChain {
  readonly el = h("section", { class: "panel options", "aria-label": "Options", hidden: true });
  private readonly detail = h("dl", { class: "ticker-stats", id: "option-stats" });
  private readonly about = h("p", { class: "hint", id: "option-about" });
  private readonly expiry = select([], { id: "expiry" });
  private readonly table = h("table", { class: "chain", id: "option-chain" });
  private readonly notice = new Notice();
  private readonly cells = new Map<string, Cells>();
  private readonly summary = new Map<string, Row>();
  private readonly marks = new Map<string, string>();
  private readonly values = new Map<string, HTMLElement>();
  private inst: Instrument | null = null;
  private family = "";
  private unsubscribe: (() => void) | null = null;
  private readonly readMarksSoon = debounce(() => void this.readMarks(), 300);

  constructor(private readonly pub: Socket, private readonly onSelect: (inst: Instrument) => void,
    private readonly bar: () => string) {
    this.expiry.addEventListener("change", () => {
      const pick = defaultOption(this.ofFamily().filter((o) => o.expTime === this.expiry.value));
      if (pick) this.onSelect(pick);
    });
    this.el.append(h("h2", {}, "Option"), this.detail, this.about,
      h("h2", {}, "Option chain"), field("Expiry", this.expiry),
      h("div", { class: "chain-wrap" }, this.table), this.notice.el);
  }

  private instruments: Instrument[] = [];

  async show(inst: Instrument, instruments: Instrument[]): Promise<void> {
    this.instruments = instruments;
    const fam = family(inst);
    const sameFamily = this.family === fam && this.unsubscribe !== null;
    const sameExpiry = sameFamily && this.inst?.expTime === inst.expTime;
    this.inst = inst;
    this.el.hidden = false;
    this.renderDetail();
    if (!sameExpiry) this.renderChain();
    this.markSelected();
    if (sameFamily) return;
    this.clear(false);
    this.family = fam;
    this.unsubscribe = this.pub.subscribe({ channel: "opt-summary", instFamily: fam }, (p) => this.onSummary(p));
    try {
      const rows = await publicGet("/public/opt-summary", { instFamily: fam });
      if (this.family !== fam) return;
      this.update(rows);
      await this.readMarks();
    } catch (err) {
      this.notice.error(describe(err));
    }
  }

  clear(hide = true): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.family = "";
    this.summary.clear();
    this.marks.clear();
    this.notice.clear();
    if (hide) {
      this.inst = null;
      this.el.hidden = true;
    }
  }

  private ofFamily(): Instrument[] {
    return this.instruments.filter((i) => isOption(i) && family(i) === family(this.inst!));
  }

  private renderChain(): void {
    const inst = this.inst!;
    const all = this.ofFamily();
    const expiries = [...new Set(all.map((o) => o.expTime))].sort((a, b) => Number(a) - Number(b));
    this.expiry.replaceChildren(...expiries.map((e) => h("option", { value: e }, expiryText(e))));
    this.expiry.value = inst.expTime;
    const series = all.filter((o) => o.expTime === inst.expTime);
    const strikes = [...new Set(series.map((o) => o.stk))].sort((a, b) => Number(a) - Number(b));
    this.cells.clear();
    const side = (opt: Instrument | undefined): HTMLElement[] => {
      if (!opt) return [h("td", { class: "num" }), h("td", { class: "num" }), h("td", { class: "num" })];
      const cells: Cells = { mark: h("a", { href: `#/markets/${opt.instId}`, "data-inst": opt.instId }),
        vol: h("td", { class: "num" }), delta: h("td", { class: "num" }) };
      this.cells.set(opt.instId, cells);
      this.fill(opt.instId);
      return [h("td", { class: "num" }, cells.mark), cells.vol, cells.delta];
    };
    const body = h("tbody", {}, ...strikes.map((stk) => {
      const call = series.find((o) => o.stk === stk && o.optType === "C");
      const put = series.find((o) => o.stk === stk && o.optType === "P");
      const [putMark, putVol, putDelta] = side(put);
      return h("tr", { "data-strike": stk }, ...side(call), h("th", { scope: "row", class: "num strike" }, stk),
        putMark, putVol, putDelta);
    }));
    const heads = ["Call mark", "Call vol", "Call delta", "Strike", "Put mark", "Put vol", "Put delta"];
    this.table.replaceChildren(
      h("caption", {}, `${family(inst)} options expiring ${expiryText(inst.expTime)}: calls | strike | puts`),
      h("thead", {}, h("tr", {}, ...heads.map((t) => h("th", { scope: "col", class: "num" }, t)))), body);
    this.table.setAttribute("aria-label", `${family(inst)} option chain`);
  }

  private markSelected(): void {
    for (const [instId, c] of this.cells) {
      c.mark.toggleAttribute("aria-current", instId === this.inst?.instId);
      c.mark.setAttribute("href", `#/markets/${instId}/${this.bar()}`); // switching options keeps the bar
    }
  }

  private onSummary(p: Push): void {
    this.update(p.data as Row[]);
    this.readMarksSoon();
  }

  private update(rows: Row[]): void {
    for (const r of rows) {
      this.summary.set(r.instId, r);
      this.fill(r.instId);
    }
    this.renderDetail();
  }

  private async readMarks(): Promise<void> {
    const fam = this.family;
    if (!fam) return;
    try {
      const rows = await publicGet("/public/mark-price", { instType: "OPTION", instFamily: fam });
      if (this.family !== fam) return;
      for (const r of rows) {
        this.marks.set(r.instId, r.markPx);
        this.fill(r.instId);
      }
      this.renderDetail();
    } catch (err) {
      this.notice.error(describe(err));
    }
  }

  private fill(instId: string): void {
    const c = this.cells.get(instId);
    if (!c) return;
    const s = this.summary.get(instId);
    const mark = this.marks.get(instId) ?? "–";
    c.mark.textContent = mark;
    c.mark.setAttribute("aria-label", `${instId} mark ${mark}`);
    c.vol.textContent = s ? pct(s.markVol) : "";
    c.delta.textContent = s ? fixed(s.delta) : "";
  }

  private renderDetail(): void {
    const inst = this.inst;
    if (!inst) return;
    if (this.values.size === 0) {
      this.detail.replaceChildren(...GREEKS.map(([label, id]) => {
        const dd = h("dd", { id }, "–");
        this.values.set(id, dd);
        return h("div", {}, h("dt", {}, label), dd);
      }));
    }
    const s = this.summary.get(inst.instId);
    const set = (id: string, text: string | undefined) => (this.values.get(id)!.textContent = text || "–");
    set("opt-mark", this.marks.get(inst.instId) && `${this.marks.get(inst.instId)} ${inst.settleCcy}`);
    set("opt-mark-vol", s && pct(s.markVol));
    set("opt-delta", s?.delta);
    set("opt-gamma", s?.gamma);
    set("opt-theta", s?.theta);
    set("opt-vega", s?.vega);
    set("opt-delta-bs", s?.deltaBS);
    set("opt-fwd", s?.fwdPx);
    this.about.textContent = `${inst.optType === "C" ? "Call" : "Put"}, strike ${inst.stk}, expires ` +
      `${expiryText(inst.expTime)}; 1 contract = ${inst.ctVal} ${inst.ctValCcy}, premium and settlement in ` +
      `${inst.settleCcy}. Greeks as OKX's opt-summary: in coin (price-adjusted), and Black-Scholes in USD.`;
  }
}

function expiryText(ms: string): string {
  return `${new Date(Number(ms)).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A volatility fraction as a percentage ("0.5012" → "50.12%"). */
function pct(v: string): string {
  return v === "" || v === undefined ? "" : `${(Number(v) * 100).toFixed(2)}%`;
}

function fixed(v: string): string {
  return v === "" || v === undefined ? "" : Number(v).toFixed(4);
}
