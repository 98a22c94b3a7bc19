import type * as vscode from 'vscode';

/** What every long-lived object of the extension derives from: it owns its disposables and lets go of them once. */
export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  /** Takes `d` into this object's keeping; it is disposed with it (at once, if this object already was). */
  protected register<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.owned.push(d);
    return d;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // the last taken first: later objects may use earlier ones while they go
    while (this.owned.length) this.owned.pop()!.dispose();
  }
}
