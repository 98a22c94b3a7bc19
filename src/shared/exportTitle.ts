/** The localised templates an export's title is written with. */
export interface ExportTitleStrings {
  /** “{text}” · {model} · {view} */
  exportTitle: string;
  /** {title} · Layer {n} · {heads} */
  exportTitleLayer: string;
  exportAllHeads: string;
  /** heads {list} */
  exportHeads: string;
}

const MAX_TEXT = 60;

function fill(template: string, ...args: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)] ?? ''));
}

/**
 * The line that heads an exported image, so that it says what it shows away from the panel: the text
 * (shortened), the model, the view, and the layer and heads numbered as the panel numbers them (from 1),
 * for the views that show one layer.
 */
export function exportTitle(
  what: { text: string; modelName: string; view: string; layer?: number; heads: readonly number[]; numHeads: number },
  S: ExportTitleStrings,
): string {
  const flat = what.text.replace(/\s+/g, ' ').trim();
  const text = flat.length > MAX_TEXT ? `${flat.slice(0, MAX_TEXT - 1)}…` : flat;
  const title = fill(S.exportTitle, text, what.modelName, what.view);
  // the model view shows every layer and head: no layer to name
  if (what.layer === undefined) return title;
  const all = what.heads.length === 0 || what.heads.length >= what.numHeads;
  const heads = all ? S.exportAllHeads : fill(S.exportHeads, what.heads.map((h) => h + 1).join(', '));
  return fill(S.exportTitleLayer, title, what.layer + 1, heads);
}
