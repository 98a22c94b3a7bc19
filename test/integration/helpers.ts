import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TutorTestApi } from '../../src/host/tutor';

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
