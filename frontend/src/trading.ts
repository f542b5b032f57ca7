// Trading with a pasted API key: the key form, order entry (spot, and swaps and futures with margin mode,
// leverage and reduce-only), and the account's open orders (amend, cancel), positions (close), order
// history, fills, balances and bills. Every list is read from the server again after each private push,
// so the page never shows anything the server does not hold.
import { describe, privateGet, privatePost, type Row } from "./api";
import { isContract } from "./contract";
import { debounce, field, fillTable, h, input, Notice, select, sideCell, time } from "./dom";
import type { Instrument } from "./markets";
import { isOption } from "./options";
import type { Credentials } from "./okx/sign";
import { loadCredentials, saveCredentials } from "./session";
import { Socket } from "./ws";

const ORDER_TYPES: [string, string][] = [
  ["limit", "Limit"], ["market", "Market"], ["post_only", "Post only"], ["fok", "Fill or kill"],
  ["ioc", "Immediate or cancel"], ["optimal_limit_ioc", "Optimal limit IOC"],
];
const PRICED = new Set(["limit", "post_only", "fok", "ioc"]);
const BILL_TYPES: Record<string, string> = {
  "1": "transfer", "2": "trade", "3": "delivery", "5": "liquidation", "6": "margin transfer", "8": "funding fee",
  "9": "ADL",
};
const TABS = ["Open orders", "Stop orders", "Positions", "Order history", "Fills", "Balances", "Bills"] as const;
// orders-algo-pending takes one ordType, or "conditional,oco" together (as OKX)
const ALGO_TYPES = ["conditional,oco", "trigger", "move_order_stop"];
type Tab = (typeof TABS)[number];

export class Trading {
  readonly keyEl = h("section", { class: "panel keys", "aria-label": "Your API key" });
  readonly orderEl = h("section", { class: "panel order-entry", "aria-label": "Place an order" });
  readonly accountEl = h("section", { class: "panel account", "aria-label": "Account" });
  creds: Credentials | null = null;

  private inst: Instrument | null = null;
  private socket: Socket | null = null;
  private business: Socket | null = null; // orders-algo
  private tab: Tab = "Open orders";
  private readonly keyNotice = new Notice();
  private readonly orderNotice = new Notice();
  private readonly accountNotice = new Notice();
  private readonly ordType = select(ORDER_TYPES, { id: "ord-type", name: "ordType" });
  private readonly px = input({ id: "px", name: "px", inputmode: "decimal" });
  private readonly sz = input({ id: "sz", name: "sz", inputmode: "decimal" });
  private readonly tgtCcy = select([["base_ccy", "base"], ["quote_ccy", "quote"]], { id: "tgt-ccy", name: "tgtCcy" });
  private readonly tgtField = field("Size in", this.tgtCcy);
  private readonly pxField = field("Price", this.px);
  private readonly sizeHint = h("small", { class: "hint", id: "sz-hint" });
  private readonly mgnMode = select([["cross", "Cross"], ["isolated", "Isolated"]], { id: "mgn-mode", name: "mgnMode" });
  private readonly lever = input({ id: "lever", name: "lever", inputmode: "decimal" });
  private readonly reduceOnly = h("input", { type: "checkbox", id: "reduce-only", name: "reduceOnly" });
  private readonly contractFields = h("div", { class: "contract-fields" });
  private readonly reduceField = field("Reduce only", this.reduceOnly);
  private readonly tpTrigger = input({ id: "tp-trigger", name: "tpTriggerPx", inputmode: "decimal" });
  private readonly slTrigger = input({ id: "sl-trigger", name: "slTriggerPx", inputmode: "decimal" });
  private readonly tpslFields = h("div", { class: "tpsl-fields" },
    field("Take-profit trigger", this.tpTrigger), field("Stop-loss trigger", this.slTrigger),
    h("small", { class: "hint", id: "tpsl-hint" }, "Optional trigger prices (last price): armed when the order fills, then close what it filled at market."));
  private readonly optionNote = h("p", { class: "hint", id: "option-note" },
    "Options trade in cross margin: the price is in the settlement coin per unit of underlying; a buy pays the premium.");
  private readonly fieldset = h("fieldset", { disabled: true });
  private readonly available = h("p", { class: "available", id: "available" });
  private readonly tables = new Map<Tab, HTMLTableElement>(TABS.map((t) => [t, h("table", { "aria-label": t })]));
  private readonly tabButtons = new Map<Tab, HTMLButtonElement>();
  private readonly panels = new Map<Tab, HTMLElement>();
  private readonly funding = h("table", { "aria-label": "Funding account" });
  private readonly amendDialog = h("dialog", { "aria-label": "Amend order" });
  private readonly refreshSoon = debounce(() => this.refresh(), 250);

  constructor() {
    this.buildKeyForm();
    this.buildOrderForm();
    this.buildAccount();
    const saved = loadCredentials();
    if (saved) void this.connect(saved);
    else this.renderKeyForm();
  }

  /** Connect with the key in sessionStorage (the operator console stores a new user's key there). */
  useSaved(): void {
    const saved = loadCredentials();
    if (saved) void this.connect(saved);
  }

  setInstrument(inst: Instrument): void {
    const changed = this.inst?.instId !== inst.instId;
    this.inst = inst;
    const contract = isContract(inst);
    this.sz.placeholder = `min ${inst.minSz}`;
    this.px.placeholder = `tick ${inst.tickSz}`;
    this.sizeHint.textContent = contract ? `in contracts (1 = ${inst.ctVal} ${inst.ctValCcy})` : "";
    this.lever.placeholder = contract ? `1 to ${inst.lever}` : "";
    this.tgtCcy.options[0].textContent = inst.baseCcy;
    this.tgtCcy.options[1].textContent = inst.quoteCcy;
    this.contractFields.hidden = !contract;
    this.reduceField.hidden = !contract;
    this.tpslFields.hidden = isOption(inst);
    this.optionNote.hidden = !isOption(inst);
    if (isOption(inst)) this.sizeHint.textContent = `in contracts (1 = ${inst.ctVal} ${inst.ctValCcy})`;
    this.orderEl.querySelector("h2")!.textContent = `Place an order: ${inst.instId}`;
    this.syncOrderType();
    this.renderAvailable();
    if (changed) void this.loadLeverage();
    if (changed && this.tab === "Order history") this.refreshSoon();
  }

  /** Fill the price field (from a click on a book level). */
  setPrice(px: string): void {
    this.px.value = px;
  }

  // -- the key ---------------------------------------------------------------------------------

  private readonly keyInputs = {
    apiKey: input({ name: "apiKey", required: true }),
    secretKey: input({ name: "secretKey", type: "password", required: true }),
    passphrase: input({ name: "passphrase", type: "password", required: true }),
  };

  private buildKeyForm(): void {
    this.keyEl.append(h("h2", {}, "API key"));
  }

  private renderKeyForm(): void {
    const form = h("form", { class: "key-form", "aria-label": "Connect an API key" },
      field("API key", this.keyInputs.apiKey),
      field("Secret key", this.keyInputs.secretKey),
      field("Passphrase", this.keyInputs.passphrase),
      h("button", { type: "submit" }, "Connect"),
      h("p", { class: "hint" }, "Kept in this tab's sessionStorage only; requests are signed in the browser."));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const { apiKey, secretKey, passphrase } = this.keyInputs;
      void this.connect({ apiKey: apiKey.value.trim(), secretKey: secretKey.value.trim(),
        passphrase: passphrase.value });
    });
    this.keyEl.replaceChildren(this.keyEl.firstChild!, form, this.keyNotice.el);
  }

  private async connect(creds: Credentials): Promise<void> {
    this.keyNotice.ok("Connecting…");
    try {
      const [config] = await privateGet(creds, "/account/config");
      this.creds = creds;
      saveCredentials(creds);
      this.keyNotice.clear();
      this.keyEl.replaceChildren(this.keyEl.firstChild!,
        h("p", { id: "who" }, `Connected: uid ${config.uid}, key ${creds.apiKey.slice(0, 8)}…`,
          h("br"), h("small", {}, `permissions ${config.perm}`)),
        h("button", { type: "button", onclick: () => this.disconnect() }, "Disconnect"),
        this.keyNotice.el);
      this.fieldset.disabled = false;
      this.socket?.close();
      this.socket = new Socket("/ws/v5/private", creds, (code, msg) => this.keyNotice.error(`${code}: ${msg}`));
      this.socket.subscribe({ channel: "orders", instType: "ANY" }, () => this.refreshSoon());
      this.socket.subscribe({ channel: "account" }, () => this.refreshSoon());
      this.socket.subscribe({ channel: "positions", instType: "ANY" }, () => this.refreshSoon());
      this.business?.close();
      this.business = new Socket("/ws/v5/business", creds, (code, msg) => this.keyNotice.error(`${code}: ${msg}`));
      this.business.subscribe({ channel: "orders-algo", instType: "ANY" }, () => this.refreshSoon());
      await Promise.all([this.refresh(), this.loadLeverage()]);
    } catch (err) {
      saveCredentials(null);
      this.renderKeyForm();
      this.keyNotice.error(describe(err));
    }
  }

  private disconnect(): void {
    this.socket?.close();
    this.socket = null;
    this.business?.close();
    this.business = null;
    this.creds = null;
    saveCredentials(null);
    this.fieldset.disabled = true;
    Object.values(this.keyInputs).forEach((i) => (i.value = ""));
    this.renderKeyForm();
    for (const table of this.tables.values()) table.replaceChildren();
    this.funding.replaceChildren();
    this.renderAvailable();
    this.accountNotice.clear();
  }

  // -- order entry -----------------------------------------------------------------------------

  private buildOrderForm(): void {
    const form = h("form", { class: "order-form", "aria-label": "Order entry" });
    const sizeField = field("Size", this.sz);
    sizeField.append(this.sizeHint);
    this.contractFields.append(field("Margin mode", this.mgnMode),
      h("div", { class: "lever-row" }, field("Leverage", this.lever),
        h("button", { type: "button", onclick: () => void this.setLeverage() }, "Set leverage")));
    this.fieldset.append(
      h("legend", { class: "visually-hidden" }, "Order"),
      field("Order type", this.ordType), this.contractFields, this.pxField, sizeField, this.tgtField,
      this.reduceField, this.tpslFields, this.optionNote,
      h("div", { class: "buttons" },
        h("button", { type: "submit", value: "buy", class: "buy-button" }, "Buy"),
        h("button", { type: "submit", value: "sell", class: "sell-button" }, "Sell")),
    );
    form.append(this.fieldset, this.available, this.orderNotice.el);
    this.ordType.addEventListener("change", () => this.syncOrderType());
    this.mgnMode.addEventListener("change", () => void this.loadLeverage());
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const side = ((ev as SubmitEvent).submitter as HTMLButtonElement | null)?.value ?? "buy";
      void this.place(side);
    });
    this.orderEl.append(h("h2", {}, "Place an order"), form);
    this.syncOrderType();
  }

  private syncOrderType(): void {
    const t = this.ordType.value;
    this.pxField.hidden = !PRICED.has(t);
    this.px.required = PRICED.has(t);
    this.tgtField.hidden = t !== "market" || isContract(this.inst); // contracts are sized in contracts
  }

  /** The account's leverage for the instrument in the chosen margin mode (account/leverage-info). */
  private async loadLeverage(): Promise<void> {
    const creds = this.creds;
    const inst = this.inst;
    if (!creds || !inst || !isContract(inst)) return;
    try {
      const rows = await privateGet(creds, "/account/leverage-info", { instId: inst.instId, mgnMode: this.mgnMode.value });
      if (creds === this.creds && inst === this.inst && rows[0]) this.lever.value = rows[0].lever;
    } catch (err) {
      this.orderNotice.error(describe(err));
    }
  }

  private async setLeverage(): Promise<void> {
    if (!this.creds || !this.inst) return;
    const mgnMode = this.mgnMode.value;
    try {
      const [set] = await privatePost(this.creds, "/account/set-leverage",
        { instId: this.inst.instId, lever: this.lever.value.trim(), mgnMode });
      this.lever.value = set.lever;
      this.orderNotice.ok(`Leverage ${set.lever}× (${mgnMode}) set for ${this.inst.instId}`);
    } catch (err) {
      this.orderNotice.error(describe(err));
      await this.loadLeverage(); // show the leverage the account still has
    }
  }

  private async place(side: string): Promise<void> {
    if (!this.creds || !this.inst) return;
    const ordType = this.ordType.value;
    const contract = isContract(this.inst);
    const order: Record<string, string | boolean | object> = { instId: this.inst.instId,
      tdMode: contract ? this.mgnMode.value : isOption(this.inst) ? "cross" : "cash", side, ordType,
      sz: this.sz.value.trim() };
    if (PRICED.has(ordType)) order.px = this.px.value.trim();
    if (ordType === "market" && !contract) order.tgtCcy = this.tgtCcy.value;
    if (contract && this.reduceOnly.checked) order.reduceOnly = true;
    const tp = this.tpTrigger.value.trim();
    const sl = this.slTrigger.value.trim();
    if (!isOption(this.inst) && (tp || sl)) {
      order.attachAlgoOrds = [{ ...(tp ? { tpTriggerPx: tp, tpOrdPx: "-1" } : {}),
        ...(sl ? { slTriggerPx: sl, slOrdPx: "-1" } : {}) }];
    }
    try {
      const [placed] = await privatePost(this.creds, "/trade/order", order);
      this.orderNotice.ok(`${side === "buy" ? "Buy" : "Sell"} order ${placed.ordId} placed`);
      this.refreshSoon();
    } catch (err) {
      this.orderNotice.error(describe(err));
    }
  }

  private balances: Row[] = [];

  private renderAvailable(): void {
    if (!this.creds || !this.inst) {
      this.available.textContent = this.creds ? "" : "Connect an API key to trade.";
      return;
    }
    const avail = (ccy: string) => this.balances.find((b) => b.ccy === ccy)?.availBal ?? "0";
    if (isContract(this.inst)) {
      const ccy = this.inst.settleCcy;
      const eq = this.balances.find((b) => b.ccy === ccy)?.availEq || avail(ccy);
      this.available.textContent = `Available: ${eq} ${ccy} (margin)`;
      return;
    }
    this.available.textContent = `Available: ${avail(this.inst.quoteCcy)} ${this.inst.quoteCcy} · ` +
      `${avail(this.inst.baseCcy)} ${this.inst.baseCcy}`;
  }

  // -- the account -----------------------------------------------------------------------------

  private buildAccount(): void {
    const tablist = h("div", { role: "tablist", "aria-label": "Account" });
    for (const tab of TABS) {
      const id = tab.toLowerCase().replace(/ /g, "-");
      const button = h("button", { type: "button", role: "tab", id: `tab-${id}`, "aria-controls": `panel-${id}`,
        onclick: () => this.selectTab(tab) }, tab);
      this.tabButtons.set(tab, button);
      tablist.append(button);
      const panel = h("div", { role: "tabpanel", id: `panel-${id}`, "aria-labelledby": `tab-${id}` },
        this.tables.get(tab)!);
      if (tab === "Balances") {
        this.tables.get(tab)!.setAttribute("aria-label", "Trading account");
        panel.prepend(h("h3", {}, "Trading account"));
        panel.append(h("h3", {}, "Funding account"), this.funding);
      }
      this.panels.set(tab, panel);
    }
    tablist.addEventListener("keydown", (ev) => {
      const i = TABS.indexOf(this.tab);
      if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
        const next = TABS[(i + (ev.key === "ArrowRight" ? 1 : TABS.length - 1)) % TABS.length];
        this.selectTab(next);
        this.tabButtons.get(next)!.focus();
      }
    });
    this.accountEl.append(tablist, this.accountNotice.el, ...this.panels.values(), this.amendDialog);
    this.selectTab(this.tab);
  }

  private selectTab(tab: Tab): void {
    this.tab = tab;
    for (const t of TABS) {
      const selected = t === tab;
      this.tabButtons.get(t)!.setAttribute("aria-selected", String(selected));
      this.tabButtons.get(t)!.tabIndex = selected ? 0 : -1;
      this.panels.get(t)!.hidden = !selected;
    }
    this.refreshSoon();
  }

  private refreshing = false;
  private again = false;

  /** Read the open orders, the balances and the tab on show from the server. */
  async refresh(): Promise<void> {
    if (!this.creds) return;
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = true;
    const creds = this.creds;
    try {
      const jobs: Promise<void>[] = [this.loadOpenOrders(creds), this.loadBalances(creds), this.loadPositions(creds),
        this.loadAlgoOrders(creds)];
      if (this.tab === "Order history") jobs.push(this.loadHistory(creds));
      if (this.tab === "Fills") jobs.push(this.loadFills(creds));
      if (this.tab === "Bills") jobs.push(this.loadBills(creds));
      await Promise.all(jobs);
      this.accountNotice.clear();
    } catch (err) {
      this.accountNotice.error(describe(err));
    } finally {
      this.refreshing = false;
      if (this.again) {
        this.again = false;
        this.refreshSoon();
      }
    }
  }

  private async loadOpenOrders(creds: Credentials): Promise<void> {
    const orders = await privateGet(creds, "/trade/orders-pending", { limit: "100" });
    if (creds !== this.creds) return;
    this.tabButtons.get("Open orders")!.textContent = `Open orders (${orders.length})`;
    fillTable(this.tables.get("Open orders")!, [
      { title: "Time", cell: (o) => time(o.cTime, true) },
      { title: "Instrument", cell: (o) => o.instId },
      { title: "Side", cell: (o) => sideCell(o.side) },
      { title: "Type", cell: (o) => o.ordType + (o.reduceOnly === "true" ? ", reduce only" : "") },
      { title: "Margin mode", cell: (o) => o.tdMode },
      { title: "Price", cell: (o) => o.px, num: true },
      { title: "Size", cell: (o) => o.sz, num: true },
      { title: "Filled", cell: (o) => o.accFillSz, num: true },
      { title: "State", cell: (o) => o.state },
      { title: "Order ID", cell: (o) => o.ordId },
      { title: "Actions", cell: (o) => h("span", { class: "actions" },
        h("button", { type: "button", "aria-label": `Amend order ${o.ordId}`, onclick: () => this.amend(o) }, "Amend"),
        h("button", { type: "button", "aria-label": `Cancel order ${o.ordId}`, onclick: () => this.cancel(o) },
          "Cancel")) },
    ], orders, "No open orders", (o) => ({ "data-ord-id": o.ordId }));
  }

  private async loadAlgoOrders(creds: Credentials): Promise<void> {
    const lists = await Promise.all(ALGO_TYPES.map((ordType) =>
      privateGet(creds, "/trade/orders-algo-pending", { ordType, limit: "100" })));
    if (creds !== this.creds) return;
    const algos = lists.flat().sort((a, b) => Number(b.cTime) - Number(a.cTime) || Number(b.algoId) - Number(a.algoId));
    this.tabButtons.get("Stop orders")!.textContent = `Stop orders (${algos.length})`;
    const orderPx = (px: string) => (px === "-1" ? "market" : px);
    const trigger = (a: Row) => [
      a.tpTriggerPx && `TP ${a.tpTriggerPx} (${a.tpTriggerPxType})`,
      a.slTriggerPx && `SL ${a.slTriggerPx} (${a.slTriggerPxType})`,
      a.triggerPx && `${a.triggerPx} (${a.triggerPxType})`,
      a.ordType === "move_order_stop" && (a.callbackRatio ? `callback ${pct(a.callbackRatio)}` : `callback ${a.callbackSpread}`),
      a.activePx && `active from ${a.activePx}`,
      a.moveTriggerPx && `now ${a.moveTriggerPx}`,
    ].filter(Boolean).join(", ");
    const price = (a: Row) => [a.tpTriggerPx && `TP ${orderPx(a.tpOrdPx)}`, a.slTriggerPx && `SL ${orderPx(a.slOrdPx)}`,
      a.triggerPx && orderPx(a.orderPx), a.ordType === "move_order_stop" && "market"].filter(Boolean).join(", ");
    fillTable(this.tables.get("Stop orders")!, [
      { title: "Time", cell: (a) => time(a.cTime, true) },
      { title: "Instrument", cell: (a) => a.instId },
      { title: "Type", cell: (a) => a.ordType + (a.reduceOnly === "true" ? ", reduce only" : "") },
      { title: "Side", cell: (a) => sideCell(a.side) },
      { title: "Size", cell: (a) => (a.closeFraction === "1" ? "whole position" : a.sz), num: true },
      { title: "Trigger", cell: trigger },
      { title: "Order price", cell: price },
      { title: "State", cell: (a) => a.state },
      { title: "Algo ID", cell: (a) => a.algoId },
      { title: "Actions", cell: (a) => h("button", { type: "button", "aria-label": `Cancel stop order ${a.algoId}`,
        onclick: () => this.cancelAlgo(a) }, "Cancel") },
    ], algos, "No stop orders", (a) => ({ "data-algo-id": a.algoId }));
  }

  private async cancelAlgo(a: Row): Promise<void> {
    if (!this.creds) return;
    try {
      await privatePost(this.creds, "/trade/cancel-algos", [{ instId: a.instId, algoId: a.algoId }]);
      this.accountNotice.ok(`Stop order ${a.algoId} canceled`);
    } catch (err) {
      this.accountNotice.error(describe(err));
    }
    this.refreshSoon();
  }

  private async loadPositions(creds: Credentials): Promise<void> {
    const positions = (await privateGet(creds, "/account/positions")).filter((p) => p.pos !== "0" && p.pos !== "");
    if (creds !== this.creds) return;
    this.tabButtons.get("Positions")!.textContent = `Positions (${positions.length})`;
    const side = (p: Row) => (p.posSide === "net" ? (Number(p.pos) > 0 ? "long" : "short") : p.posSide);
    fillTable(this.tables.get("Positions")!, [
      { title: "Instrument", cell: (p) => p.instId },
      { title: "Margin mode", cell: (p) => p.mgnMode },
      { title: "Side", cell: (p) => h("span", { class: side(p) === "long" ? "buy" : "sell" }, side(p)) },
      { title: "Size", cell: (p) => p.pos, num: true },
      { title: "Average price", cell: (p) => p.avgPx, num: true },
      { title: "Mark price", cell: (p) => p.markPx, num: true },
      { title: "PnL", cell: (p) => h("span", { class: Number(p.upl) >= 0 ? "buy" : "sell" }, `${p.upl} ${p.ccy}`),
        num: true },
      { title: "PnL %", cell: (p) => pct(p.uplRatio), num: true },
      { title: "Leverage", cell: (p) => `${p.lever}×`, num: true },
      { title: "Margin", cell: (p) => p.margin || p.imr, num: true },
      { title: "Margin ratio", cell: (p) => pct(p.mgnRatio), num: true },
      { title: "Liq. price", cell: (p) => p.liqPx || "–", num: true },
      { title: "Actions", cell: (p) => h("button", { type: "button",
        "aria-label": `Close position ${p.instId} ${p.mgnMode}${p.posSide === "net" ? "" : " " + p.posSide}`,
        onclick: () => this.closePosition(p) }, "Close") },
    ], positions, "No open positions", (p) => ({ "data-inst": p.instId, "data-pos-id": p.posId }));
  }

  private async closePosition(p: Row): Promise<void> {
    if (!this.creds) return;
    const close: Record<string, string> = { instId: p.instId, mgnMode: p.mgnMode };
    if (p.posSide !== "net") close.posSide = p.posSide;
    try {
      await privatePost(this.creds, "/trade/close-position", close);
      this.accountNotice.ok(`Closing ${p.instId} (${p.mgnMode}) at market`);
    } catch (err) {
      this.accountNotice.error(describe(err));
    }
    this.refreshSoon();
  }

  private async loadBalances(creds: Credentials): Promise<void> {
    const [[account], funding] = await Promise.all([
      privateGet<{ details: Row[] } & Row>(creds, "/account/balance"), privateGet(creds, "/asset/balances")]);
    if (creds !== this.creds) return;
    this.balances = account?.details ?? [];
    this.renderAvailable();
    fillTable(this.tables.get("Balances")!, [
      { title: "Currency", cell: (b) => b.ccy },
      { title: "Equity", cell: (b) => b.eq, num: true },
      { title: "Available", cell: (b) => b.availBal, num: true },
      { title: "In orders", cell: (b) => b.frozenBal, num: true },
    ], this.balances, "No balances", (b) => ({ "data-ccy": b.ccy }));
    fillTable(this.funding, [
      { title: "Currency", cell: (b) => b.ccy },
      { title: "Balance", cell: (b) => b.bal, num: true },
      { title: "Available", cell: (b) => b.availBal, num: true },
    ], funding, "No funding balances");
  }

  private async loadHistory(creds: Credentials): Promise<void> {
    const orders = await privateGet(creds, "/trade/orders-history",
      { instType: this.inst?.instType ?? "SPOT", limit: "100" });
    fillTable(this.tables.get("Order history")!, [
      { title: "Time", cell: (o) => time(o.uTime, true) },
      { title: "Instrument", cell: (o) => o.instId },
      { title: "Side", cell: (o) => sideCell(o.side) },
      { title: "Type", cell: (o) => o.ordType },
      { title: "Price", cell: (o) => o.px, num: true },
      { title: "Average price", cell: (o) => o.avgPx, num: true },
      { title: "Size", cell: (o) => o.sz, num: true },
      { title: "Filled", cell: (o) => o.accFillSz, num: true },
      { title: "State", cell: (o) => o.state },
      { title: "Order ID", cell: (o) => o.ordId },
    ], orders, "No finished orders in the last 7 days");
  }

  private async loadFills(creds: Credentials): Promise<void> {
    const fills = await privateGet(creds, "/trade/fills", { limit: "100" });
    fillTable(this.tables.get("Fills")!, [
      { title: "Time", cell: (f) => time(f.ts, true) },
      { title: "Instrument", cell: (f) => f.instId },
      { title: "Side", cell: (f) => sideCell(f.side) },
      { title: "Price", cell: (f) => f.fillPx, num: true },
      { title: "Size", cell: (f) => f.fillSz, num: true },
      { title: "Fee", cell: (f) => `${f.fee} ${f.feeCcy}`, num: true },
      { title: "Role", cell: (f) => (f.execType === "M" ? "maker" : "taker") },
      { title: "Trade ID", cell: (f) => f.tradeId },
      { title: "Order ID", cell: (f) => f.ordId },
    ], fills, "No fills in the last 3 days");
  }

  private async loadBills(creds: Credentials): Promise<void> {
    const bills = await privateGet(creds, "/account/bills", { limit: "100" });
    fillTable(this.tables.get("Bills")!, [
      { title: "Time", cell: (b) => time(b.ts, true) },
      { title: "Currency", cell: (b) => b.ccy },
      { title: "Type", cell: (b) => BILL_TYPES[b.type] ?? b.type },
      { title: "Change", cell: (b) => b.balChg, num: true },
      { title: "Balance", cell: (b) => b.bal, num: true },
      { title: "PnL", cell: (b) => (b.pnl && b.pnl !== "0" ? b.pnl : ""), num: true },
      { title: "Fee", cell: (b) => (b.fee && b.fee !== "0" ? b.fee : ""), num: true },
      { title: "Instrument", cell: (b) => b.instId },
      { title: "Bill ID", cell: (b) => b.billId },
    ], bills, "No bills in the last 7 days");
  }

  private async cancel(o: Row): Promise<void> {
    if (!this.creds) return;
    try {
      await privatePost(this.creds, "/trade/cancel-order", { instId: o.instId, ordId: o.ordId });
      this.accountNotice.ok(`Order ${o.ordId} canceled`);
    } catch (err) {
      this.accountNotice.error(describe(err));
    }
    this.refreshSoon();
  }

  private amend(o: Row): void {
    const newPx = input({ name: "newPx", value: o.px, inputmode: "decimal" });
    const newSz = input({ name: "newSz", value: o.sz, inputmode: "decimal" });
    const notice = new Notice();
    const form = h("form", { method: "dialog" },
      h("h2", {}, `Amend order ${o.ordId}`),
      h("p", {}, `${o.side} ${o.sz} ${o.instId} at ${o.px}`),
      field("New price", newPx), field("New size", newSz),
      h("div", { class: "buttons" }, h("button", { type: "submit" }, "Amend order"),
        h("button", { type: "button", onclick: () => this.amendDialog.close() }, "Close")),
      notice.el);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!this.creds) return;
      const change: Record<string, string> = { instId: o.instId, ordId: o.ordId };
      if (newPx.value.trim() !== o.px) change.newPx = newPx.value.trim();
      if (newSz.value.trim() !== o.sz) change.newSz = newSz.value.trim();
      try {
        await privatePost(this.creds, "/trade/amend-order", change);
        this.amendDialog.close();
        this.accountNotice.ok(`Order ${o.ordId} amended`);
        this.refreshSoon();
      } catch (err) {
        notice.error(describe(err));
      }
    });
    this.amendDialog.replaceChildren(form);
    this.amendDialog.showModal();
    newPx.focus();
  }
}

/** A ratio as a percentage ("0.0152" → "1.52%"); "" stays empty. */
function pct(ratio: string): string {
  return ratio === "" || ratio === undefined ? "" : `${(Number(ratio) * 100).toFixed(2)}%`;
}
