// One OKX v5 WebSocket (/ws/v5/public, /business or /private): reconnects, keeps itself alive with
// "ping", logs in first when it has credentials, and re-subscribes everything after a reconnect.
import { type Credentials, wsLoginArgs } from "./okx/sign";

export type Arg = Record<string, string>;
export interface Push {
  arg: Arg;
  action?: string;
  data: unknown[];
}
type Listener = (push: Push) => void;

interface Subscription {
  arg: Arg;
  listener: Listener;
}

const PING_MS = 20_000;

export class Socket {
  private ws: WebSocket | null = null;
  private subs = new Set<Subscription>();
  private ready = false;
  private closed = false;
  private backoff = 500;
  private pinger: number | undefined;

  constructor(
    private readonly path: string,
    private readonly creds: Credentials | null = null,
    private readonly onError: (code: string, msg: string) => void = () => {},
    private readonly onStatus: (up: boolean) => void = () => {},
  ) {
    this.connect();
  }

  subscribe(arg: Arg, listener: Listener): () => void {
    const sub = { arg, listener };
    this.subs.add(sub);
    if (this.ready) this.send({ op: "subscribe", args: [arg] });
    return () => {
      this.subs.delete(sub);
      const same = [...this.subs].some((s) => sameArg(s.arg, arg));
      if (this.ready && !same) this.send({ op: "unsubscribe", args: [arg] });
    };
  }

  close(): void {
    this.closed = true;
    window.clearInterval(this.pinger);
    this.ws?.close();
  }

  private connect(): void {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}${this.path}`);
    this.ws = ws;
    ws.onopen = async () => {
      this.backoff = 500;
      this.pinger = window.setInterval(() => ws.readyState === WebSocket.OPEN && ws.send("ping"), PING_MS);
      if (this.creds) {
        try {
          this.send({ op: "login", args: [await wsLoginArgs(this.creds)] });
        } catch (err) {
          this.onError("", err instanceof Error ? err.message : String(err));
        }
      } else {
        this.subscribeAll();
      }
    };
    ws.onmessage = (ev) => this.receive(ev.data as string);
    ws.onclose = () => {
      window.clearInterval(this.pinger);
      this.ready = false;
      this.onStatus(false);
      if (!this.closed) {
        window.setTimeout(() => this.connect(), this.backoff);
        this.backoff = Math.min(this.backoff * 2, 10_000);
      }
    };
  }

  private subscribeAll(): void {
    this.ready = true;
    this.onStatus(true);
    const args: Arg[] = [];
    for (const { arg } of this.subs) if (!args.some((a) => sameArg(a, arg))) args.push(arg);
    if (args.length) this.send({ op: "subscribe", args });
  }

  private receive(text: string): void {
    if (text === "pong") return;
    const msg = JSON.parse(text) as { event?: string; code?: string; msg?: string } & Partial<Push>;
    if (msg.event === "login") {
      if (msg.code === "0") this.subscribeAll();
      return;
    }
    if (msg.event === "error") {
      this.onError(msg.code ?? "", msg.msg ?? "");
      if (this.creds && !this.ready) this.close(); // a failed login will not pass on a retry
      return;
    }
    if (msg.event || !msg.arg || !msg.data) return;
    const push = msg as Push;
    for (const sub of this.subs) if (matches(sub.arg, push.arg)) sub.listener(push);
  }

  private send(payload: object): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(payload));
  }
}

function sameArg(a: Arg, b: Arg): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

/** A push belongs to a subscription when it carries every field the subscription named. */
function matches(sub: Arg, pushed: Arg): boolean {
  return Object.entries(sub).every(([k, v]) => k === "extraParams" || pushed[k] === v);
}
