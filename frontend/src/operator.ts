// The operator console (admin token, pasted): users, sub-accounts and keys; market controls (shock,
// set price, pause/resume agents, manual clock, named snapshots, reset). Everything shown is read back
// from the admin API; a user's new key is shown once, as the server returns it.
import { admin, AdminError, describe } from "./api";
import { type Column, field, fillTable, h, input, Notice, select, time } from "./dom";
import type { Credentials } from "./okx/sign";
import { loadAdminToken, saveAdminToken, saveCredentials } from "./session";

interface MarketStatus {
  clock: string;
  now: string;
  paused: boolean;
  stepMs: string;
  prices: Record<string, { source: string; usd: string }>;
  index: Record<string, string>;
  agents: string[];
}

interface ServerStatus {
  now: string;
  journal: { seq: string; snapshotSeq: string; snapshotAgeS: string; durability: string };
  clients: Record<string, number>;
  errors: { path: string; code: string; count: number }[];
}

interface NewKey {
  uid: string;
  apiKey: string;
  secretKey: string;
  passphrase: string;
}

interface UserInfo {
  uid: string;
  name: string;
  master: string;
  enable: boolean;
  subs: { uid: string; name: string; enable: boolean }[];
  keys: { apiKey: string; perm: string; ip: string }[];
  balances: { ccy: string; trading: string; tradingFrozen: string; funding: string }[];
}

interface UserRow {
  uid: string;
  name: string;
  master: string;
  enable: boolean;
  acctLv: string;
  posMode: string;
  keys: string;
}

const ACCT_LV: Record<string, string> = { "1": "Spot", "2": "Futures", "3": "Multi-currency", "4": "Portfolio" };
const POLL_MS = 2000;

export class Operator {
  readonly el = h("div", { class: "operator" });
  private token = loadAdminToken();
  private timer: number | undefined;
  private status: MarketStatus | null = null;
  private readonly tokenNotice = new Notice();
  private readonly marketNotice = new Notice();
  private readonly userNotice = new Notice();
  private readonly statusBox = h("div", { id: "market-status" });
  private readonly serverBox = h("div", { id: "server-status" });
  private readonly errors = h("table", { "aria-label": "Error answers", id: "errors" });
  private readonly prices = h("table", { "aria-label": "Prices", id: "prices" });
  private readonly index = h("table", { "aria-label": "Index prices", id: "index" });
  private readonly snapshots = h("table", { "aria-label": "Snapshots", id: "snapshots" });
  private readonly ccySelects: HTMLSelectElement[] = [];
  private readonly pauseButton = h("button", { type: "button", id: "pause" }, "Pause agents");
  private readonly keyBox = h("div", { class: "new-key", id: "new-key" });
  private readonly userBox = h("div", { id: "user-info" });
  private readonly users = h("table", { "aria-label": "All users", id: "users" });
  private readonly body = h("div", { class: "operator-body" });

  constructor(private readonly onUseKey: () => void) {
    this.el.append(h("h1", {}, "Operator console"), this.tokenSection(), this.tokenNotice.el, this.body);
    this.body.append(h("div", { class: "stack" }, this.serverSection(), this.usersListSection(), this.usersSection()),
      this.marketSection());
    this.body.hidden = !this.token;
  }

  start(): void {
    this.stop();
    if (!this.token) return;
    void this.poll();
    void this.loadUsers();
    this.timer = window.setInterval(() => void this.poll(), POLL_MS);
  }

  stop(): void {
    window.clearInterval(this.timer);
  }

  // -- the token ---------------------------------------------------------------------------------

  private tokenSection(): HTMLElement {
    const tokenInput = input({ type: "password", name: "adminToken", value: this.token });
    const form = h("form", { class: "inline-form", "aria-label": "Use an admin token" },
      field("Admin token", tokenInput, "the contents of DATA_DIR/admin-token; kept in this tab only"),
      h("button", { type: "submit" }, "Use token"),
      h("button", { type: "button", onclick: () => {
        tokenInput.value = "";
        this.setToken("");
      } }, "Forget token"));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.setToken(tokenInput.value.trim());
    });
    return h("section", { class: "panel" }, form);
  }

  private setToken(token: string): void {
    this.token = token;
    saveAdminToken(token);
    this.body.hidden = !token;
    this.tokenNotice.clear();
    this.start();
  }

  private async call<T>(method: "GET" | "POST", path: string, payload?: object): Promise<T> {
    try {
      return await admin<T>(this.token, method, path, payload);
    } catch (err) {
      if (err instanceof AdminError && err.status === 401) {
        this.tokenNotice.error(err.message);
        this.body.hidden = true;
        this.stop();
      }
      throw err;
    }
  }

  // -- the market --------------------------------------------------------------------------------

  private async poll(): Promise<void> {
    await Promise.all([this.pollServer(), this.pollMarket()]);
  }

  private async pollServer(): Promise<void> {
    try {
      this.renderServer(await this.call<ServerStatus>("GET", "status"));
    } catch (err) {
      if (!(err instanceof AdminError && err.status === 401)) {
        this.serverBox.replaceChildren(h("p", {}, describe(err)));
      }
    }
  }

  private renderServer(s: ServerStatus): void {
    const j = s.journal;
    const clients = Object.entries(s.clients).map(([endpoint, n]) => `${n} ${endpoint}`).join(", ");
    this.serverBox.replaceChildren(h("dl", { class: "stats" },
      ...([["Journal seq", j.seq],
        ["Last snapshot", j.snapshotSeq ? `seq ${j.snapshotSeq}, ${j.snapshotAgeS} s ago` : "none"],
        ["Durability", j.durability], ["WebSocket clients", clients]] as const)
        .map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v)))));
    fillTable<{ path: string; code: string; count: number }>(this.errors, [
      { title: "Path", cell: (e) => e.path }, { title: "Code", cell: (e) => e.code },
      { title: "Answers", cell: (e) => String(e.count), num: true },
    ], s.errors, "No error answers");
  }

  private serverSection(): HTMLElement {
    return h("section", { class: "panel", "aria-label": "Server" },
      h("h2", {}, "Server"), this.serverBox, h("h3", {}, "Answers with a non-zero OKX code"), this.errors);
  }

  private async pollMarket(): Promise<void> {
    try {
      const [status, names] = await Promise.all([
        this.call<MarketStatus>("GET", "market"),
        this.call<{ snapshots?: string[] } | string[]>("GET", "market/snapshots"),
      ]);
      this.tokenNotice.clear();
      this.renderStatus(status);
      this.renderSnapshots(Array.isArray(names) ? names : names.snapshots ?? []);
    } catch (err) {
      if (err instanceof AdminError && err.status === 404) {
        this.statusBox.replaceChildren(h("p", {}, "The market simulator is off (quintex serve --market off): " +
          "no prices, agents or clock to control."));
      } else if (!(err instanceof AdminError && err.status === 401)) {
        this.marketNotice.error(describe(err));
      }
    }
  }

  private renderStatus(s: MarketStatus): void {
    this.status = s;
    this.statusBox.replaceChildren(h("dl", { class: "stats" },
      ...([["Clock", s.clock], ["Exchange time", `${time(s.now, true)} (${s.now})`],
        ["Agents", `${s.agents.length} ${s.paused ? "(paused)" : "(running)"}`], ["Step", `${s.stepMs} ms`]] as const)
        .map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v)))));
    this.pauseButton.textContent = s.paused ? "Resume agents" : "Pause agents";
    type P = [string, { source: string; usd: string }];
    fillTable<P>(this.prices, [
      { title: "Currency", cell: ([c]) => c }, { title: "Source", cell: ([, p]) => p.source },
      { title: "USD", cell: ([, p]) => p.usd, num: true },
    ], Object.entries(s.prices), "No prices", ([c]) => ({ "data-ccy": c }));
    fillTable<[string, string]>(this.index, [
      { title: "Instrument", cell: ([i]) => i }, { title: "Index", cell: ([, px]) => px, num: true },
    ], Object.entries(s.index), "No instruments");
    const ccys = Object.keys(s.prices);
    for (const sel of this.ccySelects) {
      if ([...sel.options].map((o) => o.value).join() === ccys.join()) continue;
      const keep = sel.value;
      sel.replaceChildren(...ccys.map((c) => h("option", { value: c }, c)));
      sel.value = ccys.includes(keep) ? keep : ccys[0];
    }
  }

  private renderSnapshots(names: string[]): void {
    fillTable<string>(this.snapshots, [
      { title: "Snapshot", cell: (n) => n },
      { title: "Actions", cell: (n) => h("button", { type: "button", "aria-label": `Restore snapshot ${n}`,
        onclick: () => this.act(`Restored ${n}`, "POST", `market/snapshots/${encodeURIComponent(n)}/restore`) },
      "Restore") },
    ], names, "No snapshots saved");
  }

  private async act(done: string, method: "GET" | "POST", path: string, payload?: object): Promise<void> {
    this.marketNotice.ok("Working…");
    try {
      const answer = await this.call<Record<string, unknown>>(method, path, payload);
      const usd = typeof answer.usd === "string" ? `: ${answer.ccy} is now ${answer.usd} USD` : "";
      this.marketNotice.ok(done + usd);
    } catch (err) {
      this.marketNotice.error(describe(err));
    }
    await this.poll();
  }

  private ccySelect(): HTMLSelectElement {
    const sel = select([]);
    this.ccySelects.push(sel);
    return sel;
  }

  private marketSection(): HTMLElement {
    const shockCcy = this.ccySelect();
    const pct = input({ name: "pct", inputmode: "decimal", placeholder: "-20" });
    const shock = h("form", { class: "inline-form", "aria-label": "Shock a price" },
      field("Currency", shockCcy), field("Change (%)", pct), h("button", { type: "submit" }, "Shock"));
    shock.addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.act(`Shocked ${shockCcy.value} ${pct.value}%`, "POST", "market/shock",
        { ccy: shockCcy.value, pct: pct.value.trim() });
    });

    const setCcy = this.ccySelect();
    const usd = input({ name: "px", inputmode: "decimal" });
    const setPrice = h("form", { class: "inline-form", "aria-label": "Set a price" },
      field("Currency", setCcy), field("USD price", usd), h("button", { type: "submit" }, "Set price"));
    setPrice.addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.act(`Set ${setCcy.value}`, "POST", "market/price", { ccy: setCcy.value, px: usd.value.trim() });
    });

    this.pauseButton.addEventListener("click", () => {
      const paused = this.status?.paused;
      void this.act(paused ? "Agents resumed" : "Agents paused", "POST", paused ? "market/resume" : "market/pause");
    });

    const by = input({ name: "advance", placeholder: "1h30m" });
    const clock = h("form", { class: "inline-form", "aria-label": "Advance the clock" },
      field("Advance by", by, "manual clock only: e.g. 10s, 5m, 1h30m, 1d"),
      h("button", { type: "submit" }, "Advance clock"));
    clock.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const ms = durationMs(by.value);
      if (ms === null) {
        this.marketNotice.error("Advance by a duration like 10s, 5m, 1h30m or 1d");
        return;
      }
      void this.act(`Clock advanced by ${by.value.trim()}`, "POST", "market/clock/advance", { ms: String(ms) });
    });

    const name = input({ name: "snapshot", placeholder: "before-crash" });
    const save = h("form", { class: "inline-form", "aria-label": "Save a snapshot" },
      field("Snapshot name", name), h("button", { type: "submit" }, "Save snapshot"));
    save.addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.act(`Saved ${name.value.trim()}`, "POST", "market/snapshots", { name: name.value.trim() });
    });
    const reset = h("button", { type: "button", onclick: () => {
      if (confirm("Reset the whole exchange to the snapshot the market started from?")) {
        void this.act("Market reset", "POST", "market/reset");
      }
    } }, "Reset market");

    return h("section", { class: "panel", "aria-label": "Market" },
      h("h2", {}, "Market"), this.marketNotice.el, this.statusBox,
      h("div", { class: "columns" }, h("div", {}, h("h3", {}, "Prices"), this.prices),
        h("div", {}, h("h3", {}, "Index"), this.index)),
      h("h3", {}, "Controls"), shock, setPrice, h("div", { class: "buttons" }, this.pauseButton, reset), clock,
      h("h3", {}, "Snapshots"), save, this.snapshots);
  }

  // -- users -------------------------------------------------------------------------------------

  private usersSection(): HTMLElement {
    const name = input({ name: "name" });
    const funds = input({ name: "fund", placeholder: "USDT=100000 BTC=1" });
    const readOnly = h("input", { type: "checkbox", name: "readOnly" });
    const create = h("form", { class: "inline-form", "aria-label": "Create a user" },
      field("User name", name), field("Funds", funds, "currency=amount, space separated"),
      field("Read-only key", readOnly), h("button", { type: "submit" }, "Create user"));
    create.addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.userAct(async () => {
        const key = await this.call<NewKey>("POST", "users",
          { name: name.value.trim(), fund: parseFunds(funds.value), readOnly: readOnly.checked });
        this.showKey(`User ${name.value.trim()}`, key);
        await this.lookup(name.value.trim());
      });
    });

    const fundName = input({ name: "name" });
    const fundAmounts = input({ name: "fund", placeholder: "USDT=1000" });
    const fund = h("form", { class: "inline-form", "aria-label": "Fund a user" },
      field("User name", fundName), field("Funds", fundAmounts), h("button", { type: "submit" }, "Fund user"));
    fund.addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.userAct(async () => {
        const user = fundName.value.trim();
        await this.call("POST", `users/${encodeURIComponent(user)}/fund`, { fund: parseFunds(fundAmounts.value) });
        this.userNotice.ok(`Funded ${user}: ${fundAmounts.value.trim()}`);
        await this.lookup(user);
      });
    });

    const master = input({ name: "master" });
    const sub = input({ name: "sub", placeholder: "6-20 letters or digits" });
    const subs = h("form", { class: "inline-form", "aria-label": "Sub-accounts" },
      field("Master user", master), field("Sub-account name", sub),
      h("button", { type: "submit", value: "create" }, "Create sub-account"),
      h("button", { type: "submit", value: "freeze" }, "Freeze"),
      h("button", { type: "submit", value: "unfreeze" }, "Unfreeze"));
    subs.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const what = ((ev as SubmitEvent).submitter as HTMLButtonElement | null)?.value;
      const m = encodeURIComponent(master.value.trim());
      void this.userAct(async () => {
        if (what === "create") {
          const key = await this.call<NewKey>("POST", `users/${m}/subs`, { name: sub.value.trim() });
          this.showKey(`Sub-account ${sub.value.trim()} of ${master.value.trim()}`, key);
        } else {
          await this.call("POST", `users/${m}/subs/${encodeURIComponent(sub.value.trim())}/freeze`,
            { frozen: what === "freeze" });
          this.userNotice.ok(`${sub.value.trim()} ${what === "freeze" ? "frozen" : "unfrozen"}`);
        }
        await this.lookup(master.value.trim());
      });
    });

    const keyUser = input({ name: "name" });
    const keys = h("form", { class: "inline-form", "aria-label": "Issue an API key" },
      field("User name", keyUser), h("button", { type: "submit" }, "Issue API key"));
    keys.addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.userAct(async () => {
        const key = await this.call<NewKey>("POST", `users/${encodeURIComponent(keyUser.value.trim())}/keys`, {});
        this.showKey(`New key of ${keyUser.value.trim()}`, key);
        await this.lookup(keyUser.value.trim());
      });
    });

    const findName = input({ name: "name" });
    const find = h("form", { class: "inline-form", "aria-label": "Look up a user" },
      field("User name", findName), h("button", { type: "submit" }, "Look up"));
    find.addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.userAct(() => this.lookup(findName.value.trim()));
    });

    return h("section", { class: "panel", "aria-label": "Users" },
      h("h2", {}, "Users and sub-accounts"), this.userNotice.el, this.keyBox,
      h("h3", {}, "Create a user"), create, h("h3", {}, "Fund a user"), fund,
      h("h3", {}, "Sub-accounts"), subs, h("h3", {}, "API keys"), keys,
      h("h3", {}, "Look up a user"), find, this.userBox);
  }

  private usersListSection(): HTMLElement {
    return h("section", { class: "panel", "aria-label": "All users" },
      h("div", { class: "users-head" }, h("h2", {}, "All users"),
        h("button", { type: "button", onclick: () => void this.loadUsers() }, "Refresh users")),
      h("div", { class: "scroll" }, this.users));
  }

  /** Every user and sub-account (GET /admin/users), the market simulator's agents included. */
  private async loadUsers(): Promise<void> {
    try {
      const { users } = await this.call<{ users: UserRow[] }>("GET", "users");
      fillTable<UserRow>(this.users, [
        { title: "Name", cell: (u) => u.name },
        { title: "uid", cell: (u) => u.uid },
        { title: "Master", cell: (u) => u.master },
        { title: "Mode", cell: (u) => `${ACCT_LV[u.acctLv] ?? u.acctLv}, ${u.posMode === "long_short_mode" ? "long/short" : "net"}` },
        { title: "State", cell: (u) => (u.enable ? "enabled" : "frozen") },
        { title: "Keys", cell: (u) => u.keys, num: true },
        { title: "Actions", cell: (u) => h("button", { type: "button", "aria-label": `Look up ${u.name}`,
          onclick: () => void this.userAct(() => this.lookup(u.name)) }, "Look up") },
      ], users, "No users yet", (u) => ({ "data-user": u.name }));
    } catch (err) {
      if (!(err instanceof AdminError && err.status === 401)) this.userNotice.error(describe(err));
    }
  }

  private async userAct(action: () => Promise<void>): Promise<void> {
    this.userNotice.clear();
    try {
      await action();
    } catch (err) {
      this.userNotice.error(describe(err));
    }
    await this.loadUsers();
  }

  private showKey(who: string, key: NewKey): void {
    const creds: Credentials = { apiKey: key.apiKey, secretKey: key.secretKey, passphrase: key.passphrase };
    this.keyBox.replaceChildren(
      h("h3", {}, `${who}: uid ${key.uid}`),
      h("p", { class: "hint" }, "Shown once: the server keeps no way to show this secret again."),
      h("dl", { class: "stats" }, ...([["API key", key.apiKey], ["Secret key", key.secretKey],
        ["Passphrase", key.passphrase]] as const).map(([k, v]) => h("div", {}, h("dt", {}, k),
        h("dd", {}, h("code", {}, v))))),
      h("div", { class: "buttons" },
        h("button", { type: "button", onclick: () => {
          saveCredentials(creds);
          this.onUseKey();
        } }, "Trade with this key"),
        h("button", { type: "button", onclick: () => this.keyBox.replaceChildren() }, "Hide key")));
  }

  private async lookup(name: string): Promise<void> {
    const u = await this.call<UserInfo>("GET", `users/${encodeURIComponent(name)}`);
    const subs = h("table", { "aria-label": `Sub-accounts of ${u.name}` });
    fillTable(subs, [
      { title: "Sub-account", cell: (s) => s.name }, { title: "uid", cell: (s) => s.uid },
      { title: "State", cell: (s) => (s.enable ? "enabled" : "frozen") },
    ], u.subs, "No sub-accounts");
    const keys = h("table", { "aria-label": `API keys of ${u.name}` });
    fillTable(keys, [
      { title: "API key", cell: (k) => k.apiKey }, { title: "Permissions", cell: (k) => k.perm },
      { title: "IP allowlist", cell: (k) => k.ip || "any" },
    ], u.keys, "No keys");
    const balances = h("table", { "aria-label": `Balances of ${u.name}` });
    const cols: Column<UserInfo["balances"][number]>[] = [
      { title: "Currency", cell: (b) => b.ccy }, { title: "Trading", cell: (b) => b.trading, num: true },
      { title: "In orders", cell: (b) => b.tradingFrozen, num: true },
      { title: "Funding", cell: (b) => b.funding, num: true },
    ];
    fillTable(balances, cols, u.balances, "No balances");
    this.userBox.replaceChildren(
      h("h3", {}, `${u.name}: uid ${u.uid}${u.master ? `, sub-account of ${u.master}` : ""}` +
        `${u.enable ? "" : " (frozen)"}`), balances, subs, keys);
  }
}

export function parseFunds(text: string): Record<string, string> {
  const fund: Record<string, string> = {};
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const [ccy, amt] = part.split(/[=:]/);
    if (!ccy || !amt) throw new Error(`Funds must look like USDT=1000 BTC=1 (not "${part}")`);
    fund[ccy.toUpperCase()] = amt;
  }
  return fund;
}

/** "1h30m", "10s", "250ms", "2d" or a bare number of milliseconds. */
export function durationMs(text: string): number | null {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  let rest = t;
  for (const m of t.matchAll(/(\d+)(ms|s|m|h|d)/g)) {
    total += Number(m[1]) * units[m[2]];
    rest = rest.replace(m[0], "");
  }
  return t && !rest.trim() ? total : null;
}
