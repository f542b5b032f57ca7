// Tiny DOM helpers: elements, labelled fields, tables of text (never canvas), status lines.

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else if (k === "class") el.className = String(v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el: HTMLElement, children: Child[]): void {
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
}

let fieldIds = 0;

/** A control with its visible <label> (the label's text is the control's accessible name). */
export function field(labelText: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  hint?: string): HTMLDivElement {
  control.id ||= `f${++fieldIds}`;
  return h("div", { class: "field" }, h("label", { for: control.id }, labelText), control,
    hint ? h("small", { class: "hint" }, hint) : null);
}

export function input(attrs: Attrs = {}): HTMLInputElement {
  return h("input", { type: "text", autocomplete: "off", spellcheck: "false", ...attrs });
}

export function select(options: [string, string][], attrs: Attrs = {}): HTMLSelectElement {
  return h("select", attrs, ...options.map(([value, text]) => h("option", { value }, text)));
}

export interface Column<T> {
  title: string;
  cell: (row: T) => Child;
  num?: boolean;
}

/** Replace a table's body with one row per item; `empty` when there are none. */
export function fillTable<T>(table: HTMLTableElement, columns: Column<T>[], rows: T[], empty: string,
  rowAttrs?: (row: T) => Attrs): void {
  if (!table.tHead) {
    table.createTHead().append(h("tr", {}, ...columns.map((c) => h("th", { scope: "col", class: c.num ? "num" : "" },
      c.title))));
  }
  const body = h("tbody");
  if (!rows.length) body.append(h("tr", {}, h("td", { colspan: columns.length, class: "empty" }, empty)));
  for (const row of rows) {
    body.append(h("tr", rowAttrs ? rowAttrs(row) : {},
      ...columns.map((c) => h("td", { class: c.num ? "num" : "" }, c.cell(row)))));
  }
  table.tBodies[0]?.remove();
  table.append(body);
}

/** A status line for a form: role=status for success, role=alert for errors. */
export class Notice {
  readonly el = h("p", { class: "notice", "aria-live": "polite" });

  ok(text: string): void {
    this.el.className = "notice ok";
    this.el.setAttribute("role", "status");
    this.el.textContent = text;
  }

  error(text: string): void {
    this.el.className = "notice error";
    this.el.setAttribute("role", "alert");
    this.el.textContent = text;
  }

  clear(): void {
    this.el.className = "notice";
    this.el.removeAttribute("role");
    this.el.textContent = "";
  }
}

export function time(ms: string | number, withDate = false): string {
  const n = Number(ms);
  if (!n) return "";
  const d = new Date(n);
  const t = d.toLocaleTimeString(undefined, { hour12: false });
  return withDate ? `${d.toISOString().slice(0, 10)} ${t}` : t;
}

export function sideCell(side: string): HTMLSpanElement {
  return h("span", { class: side === "buy" ? "buy" : "sell" }, side);
}

/** Run `fn` at most once per `ms`, the last call winning (for refreshes after pushes). */
export function debounce(fn: () => void, ms: number): () => void {
  let timer: number | undefined;
  return () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(fn, ms);
  };
}
