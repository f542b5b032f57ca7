// The page: a hash router between the terminal (#/markets/INST/BAR) and the operator console
// (#/operator). The URL holds what is on screen, the server holds everything else.
import "./style.css";
import { h } from "./dom";
import { type Instrument, Markets } from "./markets";
import { Operator } from "./operator";
import { Trading } from "./trading";
import { Socket } from "./ws";

const main = document.getElementById("main")!;
const conn = document.getElementById("conn")!;

const pub = new Socket("/ws/v5/public", null, () => {}, (up) => {
  conn.textContent = up ? "live" : "reconnecting…";
  conn.className = up ? "conn up" : "conn down";
});
const biz = new Socket("/ws/v5/business");
const markets = new Markets(pub, biz, (inst: Instrument, bar: string) => {
  location.hash = `#/markets/${inst.instId}/${bar}`;
});
let trading: Trading | null = null;
const operator = new Operator(() => {
  trading?.useSaved(); // trade with the key the console just stored
  location.hash = `#/markets/${markets.current?.instId ?? ""}`;
});

const terminal = h("div", { class: "terminal" });
const loaded = markets.load();

function buildTerminal(): void {
  trading = new Trading();
  terminal.replaceChildren(
    markets.listEl,
    h("div", { class: "center" }, markets.headEl, markets.contract.el, markets.options.el, markets.chartEl,
      h("div", { class: "market-tables" }, markets.bookEl, markets.tradesEl)),
    h("div", { class: "side" }, trading.keyEl, trading.orderEl),
    trading.accountEl,
  );
}

async function route(): Promise<void> {
  const [, page, instId, bar] = location.hash.split("/");
  document.querySelectorAll("header nav a").forEach((a) =>
    a.toggleAttribute("aria-current", a.id === `nav-${page === "operator" ? "operator" : "markets"}`));
  if (page === "operator") {
    document.title = "Operator · Quintex";
    main.replaceChildren(operator.el);
    operator.start();
    return;
  }
  operator.stop();
  if (!trading) buildTerminal();
  if (main.firstChild !== terminal) main.replaceChildren(terminal);
  await loaded;
  await markets.show(instId || markets.current?.instId || "BTC-USDT", bar || markets.bar);
  if (markets.current) {
    trading!.setInstrument(markets.current);
    document.title = `${markets.current.instId} · Quintex`;
  }
}

window.addEventListener("hashchange", () => void route());
void route();
