import * as vscode from 'vscode';

/** The extension's Output channel: load times, providers, and errors with their detail. */
export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Transformer Tutor', { log: true });

  info(message: string): void {
    this.channel.info(message);
  }

  warn(message: string): void {
    this.channel.warn(message);
  }

  error(message: string, err?: unknown): void {
    const detail = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : err === undefined ? '' : String(err);
    this.channel.error(detail ? `${message}: ${detail}` : message);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
