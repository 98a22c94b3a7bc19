import type { HostMessage, WebviewMessage } from '../shared/protocol';

interface VsCodeApi<S> {
  postMessage(msg: WebviewMessage): void;
  getState(): S | undefined;
  setState(state: S): void;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

/** The webview's typed side of the protocol. */
export function connect<S>(onMessage: (msg: HostMessage) => void): VsCodeApi<S> {
  const api = acquireVsCodeApi<S>();
  window.addEventListener('message', (e: MessageEvent<HostMessage>) => onMessage(e.data));
  return api;
}

export function readBootstrap<T>(): T {
  const el = document.getElementById('bootstrap');
  return JSON.parse(el?.textContent ?? '{}') as T;
}
