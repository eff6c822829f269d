// The page's side of the engine worker: one request at a time, the latest wins. A request made while
// another runs ends that worker (JavaScript cannot interrupt a running computation) and starts a new
// one; a request over the time budget is stopped the same way and says so.
import type { Reply, Request } from "./protocol.js";

type Settle = (reply: Reply) => void;

export class EngineClient {
  private worker: Worker | null = null;
  private pending: { settle: Settle; timer: ReturnType<typeof setTimeout> } | null = null;

  /** `onBusy` is told when work starts and ends (to show progress and a Cancel button). */
  constructor(
    private readonly budgetMs: number,
    private readonly onBusy: (busy: boolean) => void = () => undefined,
  ) {}

  get busy(): boolean {
    return this.pending !== null;
  }

  private spawn(): Worker {
    const worker = new Worker(new URL("./engine.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent<Reply>) => this.settle(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.restart();
      this.settle({ kind: "failed", error: `the engine stopped: ${event.message}` });
    };
    return worker;
  }

  private restart(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  private settle(reply: Reply): void {
    const pending = this.pending;
    if (pending === null) return;
    clearTimeout(pending.timer);
    this.pending = null;
    this.onBusy(false);
    pending.settle(reply);
  }

  /** Ends the running work, if any: its request gets a "cancelled" reply. */
  cancel(): void {
    if (this.pending === null) return;
    this.restart();
    this.settle({ kind: "cancelled", error: "cancelled" });
  }

  request(request: Request): Promise<Reply> {
    this.cancel();
    this.worker ??= this.spawn();
    const worker = this.worker;
    return new Promise<Reply>((settle) => {
      const timer = setTimeout(() => {
        this.restart();
        const seconds = Number((this.budgetMs / 1000).toPrecision(2));
        this.settle({
          kind: "stopped",
          error: `stopped after ${seconds} s — try a lower order or a smaller problem`,
        });
      }, this.budgetMs);
      this.pending = { settle, timer };
      this.onBusy(true);
      worker.postMessage(request);
    });
  }
}
