import * as vscode from 'vscode';

/** What the model items are computed on: the person's selection, or a sample when nothing is selected. */
export interface LiveText {
  text: string;
  source: 'selection' | 'sample';
  /** the selection was longer than MAX_CHARS and was cut */
  cut: boolean;
}

/**
 * Two sentences split by a blank line (so segment-of has a sentence B), with the `it` of the
 * classic coreference example for most-attended. The bundled model's vocabulary is English.
 */
export const SAMPLE_TEXT = "The animal didn't cross the street because it was too tired.\n\nIt lay down and slept until the evening.";

/** Long selections are cut: the questions show the text, and a few sentences are enough. */
export const MAX_CHARS = 300;

export function liveTextFromEditor(): LiveText {
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
  if (!selected.trim()) return { text: SAMPLE_TEXT, source: 'sample', cut: false };
  if (selected.length <= MAX_CHARS) return { text: selected, source: 'selection', cut: false };
  // cut at the last space before the limit, so no word is split
  const at = selected.lastIndexOf(' ', MAX_CHARS);
  return { text: selected.slice(0, at > MAX_CHARS / 2 ? at : MAX_CHARS), source: 'selection', cut: true };
}

/** One line saying which text the item was computed on. */
export function sourceLine(live: LiveText, shown: string): string {
  const t = vscode.l10n.t;
  if (live.source === 'sample')
    return t('Computed live on a built-in sample sentence (select text in an editor to use your own): “{0}”', shown);
  return live.cut
    ? t('Computed live on the first {0} characters of your selection: “{1}”', live.text.length, shown)
    : t('Computed live on your selection: “{0}”', shown);
}

/** The text as one line: blank lines (segment breaks) shown as ¶, and long text elided around `focus`. */
export function oneLine(text: string, focus = 0, room = 160): string {
  const flat = text
    .replace(/\r?\n[ \t]*\r?\n/g, ' ¶ ')
    .replace(/\s+/g, ' ')
    .trim();
  if (flat.length <= room) return flat;
  const start = Math.max(0, Math.min(flat.length - room, Math.round(focus * (flat.length / Math.max(1, text.length))) - room / 2));
  return `${start > 0 ? '…' : ''}${flat.slice(start, start + room)}${start + room < flat.length ? '…' : ''}`;
}
