/**
 * npm run bench:e2e: selection change → panel painted, in the real VS Code (code-server), for each view at
 * 16, 128 and 512 tokens. Not a test (it asserts nothing about times; these machines are shared): a run of
 * its own, named only by the bench script. The host's clock gives both ends: the moment the test sets the
 * selection, and the moment the webview's report of its drawing ('rendered', sent after the frame is
 * painted) arrives. The debounce before the encoder runs is subtracted and reported apart; the webview's own
 * time to build the view comes with its report. Writes test-output/bench/e2e.json; bench/e2e.mjs prints it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ViewKind } from '../../src/shared/viewKind';
import { inAttentionPanel, inWebview, tutor, waitFor, workspaceFile } from './helpers';

const SIZES = [16, 128, 512];
// TUTOR_BENCH_VIEWS=matrix,head: a part of the table, to look at one change; "+words" draws word pieces merged into words
const VIEWS = process.env.TUTOR_BENCH_VIEWS?.split(',') ?? [
  'head',
  'matrix',
  'model',
  'rollout',
  'step',
  'head+words',
  'matrix+words',
  'model+words',
];
const RUNS = Number(process.env.TUTOR_BENCH_RUNS ?? 20);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

suite('@bench selection → painted', () => {
  test('@bench every view at 16, 128 and 512 tokens', async function () {
    this.timeout(0);
    const api = await tutor();
    const core = await api.encoder.get();
    const doc = await vscode.workspace.openTextDocument(workspaceFile('transformer.py'));
    const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    const text = doc.getText();
    const tokens = core.tokenize(text).tokens;
    const debounce = vscode.workspace.getConfiguration('transformerTutor').get<number>('attention.debounceMs', 150);
    await vscode.commands.executeCommand('transformerTutor.showAttention');
    await waitFor('the panel', () => api.attention.current, 60000);
    const rows: Record<string, unknown>[] = [];
    for (const name of VIEWS) {
      const view = name.replace('+words', '') as ViewKind;
      const words = name.endsWith('+words');
      api.panel.post({ type: 'showView', view });
      await waitFor(`the ${view} view`, () => (api.attention.session.view === view ? true : undefined));
      // the Words toggle as a learner presses it
      const pressed = await inAttentionPanel<boolean>(`document.querySelector('.words-toggle')?.getAttribute('aria-pressed') === 'true'`);
      if (pressed !== words) await inWebview('main#view', { click: '.words-toggle' });
      for (const size of SIZES) {
        // two selections of `size` tokens ([CLS] and [SEP] included) from different places, alternated, so each is new
        const content = size - 2;
        const ranges = [0, Math.floor(tokens.length / 3)].map((from) => {
          const a = tokens[Math.min(from, tokens.length - content)];
          const b = tokens[Math.min(from, tokens.length - content) + content - 1];
          return new vscode.Selection(doc.positionAt(a.span.start), doc.positionAt(b.span.end));
        });
        const e2e: number[] = [];
        const draw: number[] = [];
        // the legs, from the host's and the webview's Date.now() (one machine, one clock): the encoder's answer
        // (asked → answered, the process and its IPC), into the webview (posted → arrived), and back
        // (drawn and painted → the report here, less the draw)
        const encode: number[] = [];
        const into: number[] = [];
        const back: number[] = [];
        for (let i = -2; i < RUNS; i++) {
          const before = api.attention.lastRendered;
          const posted = api.attention.encodingsPosted;
          const t0 = performance.now();
          editor.selection = ranges[(i + 2) % 2];
          const r = await waitFor(
            `${view} at ${size} tokens`,
            () => {
              const l = api.attention.lastRendered;
              // a blank line inside the selection makes it a sentence pair: one [SEP] more; in words, the
              // drawing of this selection's encoding
              const drawn = words ? (l?.requestId ?? 0) > posted : Math.abs((l?.tokens ?? 0) - size) <= 1;
              return l && l !== before && l.view === view && drawn && l.at > t0 ? l : undefined;
            },
            60000,
          );
          // the first two (warm-up: sessions for a new length, the step view's q/k/v cut) are not counted
          if (i < 0) continue;
          e2e.push(r.at - t0 - debounce);
          draw.push(r.millis);
          const legs = r.requestId !== undefined ? api.attention.timings.get(r.requestId) : undefined;
          if (legs && r.webviewGot !== undefined) {
            encode.push(legs.answered - legs.asked);
            into.push(r.webviewGot - legs.posted);
            back.push(r.reportGot - r.webviewGot - r.millis);
          }
        }
        const row = {
          view: name,
          tokens: size,
          runs: RUNS,
          e2eP50: pct(e2e, 50),
          e2eP95: pct(e2e, 95),
          drawP50: pct(draw, 50),
          drawP95: pct(draw, 95),
          encodeP50: pct(encode, 50),
          intoWebviewP50: pct(into, 50),
          backP50: pct(back, 50),
        };
        rows.push(row);
      }
    }
    const out = path.join(process.env.TUTOR_TEST_OUTPUT ?? '.', '..', 'bench');
    fs.mkdirSync(out, { recursive: true });
    const load = fs.existsSync('/proc/loadavg') ? fs.readFileSync('/proc/loadavg', 'utf8').trim() : 'unknown';
    fs.writeFileSync(path.join(out, 'e2e.json'), JSON.stringify({ debounceMs: debounce, loadavg: load, rows }, null, 1));
  });
});
