/**
 * Runs one request at a time and delivers only results that are still the newest: while a request
 * runs, newer ones replace each other in a single slot, and a result that finishes after a newer
 * request arrived is dropped. A stale result is never delivered, and at most two requests are held.
 */
export class LatestOnly<Req, Res> {
  private pending: { req: Req } | undefined;
  private running = false;
  private generation = 0;

  constructor(
    private readonly work: (req: Req) => Promise<Res>,
    private readonly deliver: (res: Res, req: Req) => void,
    private readonly fail: (err: unknown, req: Req) => void,
  ) {}

  submit(req: Req): void {
    this.pending = { req };
    if (!this.running) void this.pump();
  }

  /** Forget everything queued or running (e.g. the panel closed). */
  cancel(): void {
    this.pending = undefined;
    this.generation++;
  }

  private report(err: unknown, req: Req): void {
    try {
      this.fail(err, req);
    } catch {
      // nothing left to tell
    }
  }

  get busy(): boolean {
    return this.running;
  }

  private async pump(): Promise<void> {
    this.running = true;
    try {
      while (this.pending) {
        const { req } = this.pending;
        this.pending = undefined;
        const gen = this.generation;
        let outcome: { ok: true; res: Res } | { ok: false; err: unknown };
        try {
          outcome = { ok: true, res: await this.work(req) };
        } catch (err) {
          outcome = { ok: false, err };
        }
        // superseded (a newer request waits) or cancelled: neither its result nor its error is reported
        if (this.pending || gen !== this.generation) continue;
        try {
          if (outcome.ok) this.deliver(outcome.res, req);
          else this.fail(outcome.err, req);
        } catch (err) {
          // a throwing callback must not stop the pump (a waiting request would never run)
          if (outcome.ok) this.report(err, req);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
