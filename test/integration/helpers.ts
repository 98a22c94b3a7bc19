import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TutorTestApi } from '../../src/host/tutor';
import type { LabBlock, LabResult } from '../../src/shared/labs/labTypes';
import type { LabId } from '../../src/shared/questions/types';
import type { ViewKind } from '../../src/shared/protocol';

export const EXTENSION_ID = 'transformer-tutor.transformer-tutor';

export async function tutor(): Promise<TutorTestApi> {
  const ext = vscode.extensions.getExtension<TutorTestApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed`);
  return ext.activate();
}

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the tests need the sample workspace open');
  return vscode.Uri.joinPath(folder.uri, name);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * Asks the driver (scripts/test-integration.mjs) for a screenshot of the whole workbench and waits
 * until it is written. Without a driver (desktop runs) there is nobody to ask: nothing happens.
 */
export async function screenshot(name: string): Promise<string | undefined> {
  const out = process.env.TUTOR_TEST_OUTPUT;
  if (!out) return undefined;
  const file = path.join(out, 'screenshots', `${name}.png`);
  fs.rmSync(file, { force: true });
  await sleep(400); // let the webview paint
  console.log(`[[tutor:screenshot:${name}]]`);
  await waitFor(`screenshot ${name}`, () => fs.existsSync(file) || undefined, 20000);
  return file;
}

/** One thing done inside a webview, in order: focus, click, Tab until an element has the focus, keys, then read. */
export interface WebviewStep {
  focus?: string;
  click?: string;
  tabTo?: string;
  keys?: string[];
  /** an expression evaluated in the webview's frame; its (JSON) value is the answer */
  eval?: string;
  /** run axe-core on the page (true) or on an element's selector */
  axe?: true | string;
}

let nextAction = 1;

/** Whether a driver that can act inside webviews runs these tests (the code-server one does). */
export const hasWebviewDriver = () => Boolean(process.env.TUTOR_TEST_OUTPUT);

/**
 * Asks the driver (scripts/test-integration.mjs) to act in the webview whose document has `frame`
 * (a selector) with real focus, clicks and keys, as a user would, and returns what the last read gave.
 */
export async function inWebview<T>(frame: string, ...steps: WebviewStep[]): Promise<T> {
  const out = process.env.TUTOR_TEST_OUTPUT;
  if (!out) throw new Error('acting inside a webview needs the code-server driver');
  const id = `${process.pid}-${nextAction++}`;
  const file = path.join(out, 'webview', `${id}.json`);
  console.log(`[[tutor:webview:${JSON.stringify({ id, frame, steps })}]]`);
  await waitFor(`the webview action ${id}`, () => fs.existsSync(file) || undefined, 60000);
  const answer = JSON.parse(fs.readFileSync(file, 'utf8')) as { ok: true; value: T } | { ok: false; error: string };
  fs.rmSync(file, { force: true });
  if (!answer.ok) throw new Error(`in the webview: ${answer.error}`);
  return answer.value;
}

/** Reads an expression in the attention panel's webview. */
export const inAttentionPanel = <T>(expression: string) => inWebview<T>('main#view', { eval: expression });

/** The attention webview's state as a user sees it. */
export interface PanelView {
  status: string;
  state: string;
  tokens: number;
  locked: string | null;
  announced: string;
  tab: string | null;
  layer: string | null;
  pin: { label: string; title: string; pressed: string | null };
  hidden: { layer: boolean; heads: boolean; window: boolean; exports: boolean };
}

const READ_PANEL = `(() => {
  const q = (s) => document.querySelector(s);
  const pin = q('vscode-button[icon="pin"]');
  return {
    status: q('.status')?.textContent ?? '',
    state: q('.status')?.dataset.state ?? '',
    tokens: document.querySelectorAll('#view .tok').length,
    locked: q('#view .queries .tok.locked')?.textContent ?? null,
    announced: q('[aria-live="polite"].sr-only')?.textContent ?? '',
    tab: q('.tab[aria-selected="true"]')?.dataset.view ?? null,
    layer: q('.field select')?.value ?? null,
    pin: { label: pin?.textContent ?? '', title: pin?.title ?? '', pressed: pin?.getAttribute('aria-pressed') },
    hidden: { layer: q('.field').hidden, heads: q('.heads').hidden, window: q('.window-nav').hidden, exports: q('.exports').hidden },
  };
})()`;

export const readPanel = () => inAttentionPanel<PanelView>(READ_PANEL);

/** Waits until the panel, as drawn in its webview, fits `ok`. */
export async function panelShows(what: string, ok: (v: PanelView) => boolean, timeoutMs = 30000): Promise<PanelView> {
  let last: PanelView | undefined;
  try {
    return await waitFor(
      what,
      async () => {
        last = await readPanel().catch(() => undefined);
        return last && ok(last) ? last : undefined;
      },
      timeoutMs,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; the panel showed ${JSON.stringify(last)}`);
  }
}

/** Waits until the panel has drawn `view` over `tokens` tokens. */
export async function renderedView(view: ViewKind, tokens: number) {
  const api = await tutor();
  return waitFor(
    `the ${view} view rendered`,
    () => {
      const r = api.attention.lastRendered;
      return r && r.view === view && r.tokens === tokens ? r : undefined;
    },
    60000,
  );
}

/** An untitled document with `text`, all of it selected, and the attention panel showing it. */
export async function showText(text: string) {
  const api = await tutor();
  const before = api.attention.encodingsPosted;
  const doc = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
  const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  editor.selection = new vscode.Selection(doc.positionAt(0), doc.positionAt(text.length));
  await vscode.commands.executeCommand('transformerTutor.showAttention');
  const shown = await waitFor('an encoding', () => (api.attention.encodingsPosted > before ? api.attention.current : undefined), 60000);
  return { api, editor, shown };
}

/** Opens a lab on the text shown (or, after `act`, waits for its next run) and returns its result. */
export async function labResult(lab: LabId, act?: () => Promise<unknown>): Promise<LabResult> {
  const api = await tutor();
  // by lab, not the last one: the lab on show before may still be computing for the new text, and answer after this one
  api.attention.labResults.delete(lab);
  if (act) await act();
  else await vscode.commands.executeCommand('transformerTutor.showInPanel', lab);
  return waitFor(`lab ${lab}`, () => api.attention.labResults.get(lab), 90000);
}

/** The nth block of a kind in a lab's result. */
export const labBlock = <K extends LabBlock['kind']>(r: LabResult, kind: K, nth = 0) =>
  r.blocks.filter((b): b is Extract<LabBlock, { kind: K }> => b.kind === kind)[nth];
