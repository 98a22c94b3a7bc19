import * as vscode from 'vscode';
import { attentionRow, strengthLevel } from '../../shared/attentionMath';
import { layerOfWire } from '../../shared/attentionWire';
import type { LockedToken, ShownEncoding } from '../../shared/attentionSession';
import { wordOfPiece, wordPayload } from '../../shared/beyond/wordGroups';

const LEVELS = 8;

/**
 * Attention drawn over the editor text: the locked token outlined, every token it attends to shaded
 * by weight. An orange that reads on light, dark and high-contrast themes; the weight is also in the
 * hover, so colour is never the only carrier.
 */
export class AttentionDecorations implements vscode.Disposable {
  private readonly levels = Array.from({ length: LEVELS }, (_, i) =>
    vscode.window.createTextEditorDecorationType({
      backgroundColor: `rgba(255, 140, 0, ${(0.1 + (0.55 * (i + 1)) / LEVELS).toFixed(2)})`,
      borderRadius: '2px',
    }),
  );
  private readonly locked = vscode.window.createTextEditorDecorationType({
    border: '1px solid',
    borderColor: new vscode.ThemeColor('focusBorder'),
    borderRadius: '2px',
  });
  private editor: vscode.TextEditor | undefined;
  /** what is drawn now, per level (for tests) */
  lastDrawn: { locked: vscode.Range | undefined; levels: vscode.Range[][] } = { locked: undefined, levels: [] };

  /** token.words: shade whole words, as the panel shows them (the attention merged as the panel merges it) */
  draw(editor: vscode.TextEditor, shown: ShownEncoding, token: LockedToken): void {
    this.clear();
    const { request } = shown;
    const { heads } = token;
    // the locked token's layer alone, back in float32: layer 0 of a payload of one
    let payload = layerOfWire(shown.payload, Math.min(token.layer, shown.payload.numLayers - 1));
    let query = token.index;
    if (token.words) {
      const merged = wordPayload(payload, vscode.env.language);
      payload = merged.payload;
      query = wordOfPiece(merged.groups, query);
    }
    const doc = editor.document;
    const row = attentionRow(payload, 0, heads, query);
    let max = 0;
    payload.tokens.forEach((t, i) => {
      if (!t.special && i !== query) max = Math.max(max, row[i]);
    });
    const buckets: vscode.DecorationOptions[][] = this.levels.map(() => []);
    const q = payload.tokens[query];
    const range = (start: number, end: number) =>
      new vscode.Range(doc.positionAt(request.baseOffset + start), doc.positionAt(request.baseOffset + end));
    payload.tokens.forEach((t, i) => {
      if (t.special || i === query) return;
      const level = strengthLevel(row[i], max, LEVELS);
      if (!level) return;
      buckets[level - 1].push({
        range: range(t.start, t.end),
        hoverMessage: vscode.l10n.t(
          'Attention {0} from “{1}” to “{2}” (layer {3}, heads {4})',
          row[i].toFixed(3),
          q.text,
          t.text,
          token.layer + 1,
          heads.map((h) => h + 1).join(', ') || vscode.l10n.t('all'),
        ),
      });
    });
    this.levels.forEach((d, i) => editor.setDecorations(d, buckets[i]));
    const lockedRange = q.special ? undefined : range(q.start, q.end);
    editor.setDecorations(this.locked, lockedRange ? [lockedRange] : []);
    this.editor = editor;
    this.lastDrawn = { locked: lockedRange, levels: buckets.map((b) => b.map((o) => o.range)) };
  }

  clear(): void {
    if (this.editor) {
      this.levels.forEach((d) => this.editor!.setDecorations(d, []));
      this.editor.setDecorations(this.locked, []);
    }
    this.editor = undefined;
    this.lastDrawn = { locked: undefined, levels: [] };
  }

  dispose(): void {
    this.levels.forEach((d) => d.dispose());
    this.locked.dispose();
  }
}
