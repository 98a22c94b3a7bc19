import { type Document, LineCounter, parseDocument } from 'yaml';
import type { BankProblem } from './types';

export type FieldPath = readonly (string | number)[];

/** A question file cut in two: the YAML between the `---` lines, and the Markdown body after them. */
export interface SplitFile {
  yaml: string;
  /** 1-based file line of the YAML's first line */
  yamlLine: number;
  body: string;
  /** 1-based file line of the body's first line */
  bodyLine: number;
}

export function splitFrontMatter(path: string, text: string): SplitFile | BankProblem {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  if (lines[0].trimEnd() !== '---') return { path, line: 1, message: 'the file must start with a "---" line that opens the front matter' };
  const close = lines.findIndex((l, i) => i > 0 && l.trimEnd() === '---');
  if (close < 0) return { path, line: 1, message: 'the front matter is never closed: add a "---" line after it' };
  return { yaml: lines.slice(1, close).join('\n'), yamlLine: 2, body: lines.slice(close + 1).join('\n'), bodyLine: close + 2 };
}

/**
 * The front matter's YAML, with every problem found while reading it: YAML syntax errors and
 * fields that do not fit, each with the file line of the field that caused it.
 */
export class FrontMatter {
  readonly data: unknown;
  private readonly doc: Document;
  private readonly lineCounter = new LineCounter();

  constructor(
    readonly path: string,
    yaml: string,
    private readonly firstLine: number,
    readonly problems: BankProblem[],
  ) {
    this.doc = parseDocument(yaml, { lineCounter: this.lineCounter, uniqueKeys: true });
    for (const err of this.doc.errors) {
      const line = err.linePos?.[0].line;
      this.problems.push({ path, line: line === undefined ? firstLine : firstLine + line - 1, message: `YAML: ${err.message.split('\n')[0]}` });
    }
    this.data = this.doc.errors.length ? undefined : this.doc.toJS();
  }

  /** The value at a path, or undefined when any step is missing. */
  get(path: FieldPath): unknown {
    let v: unknown = this.data;
    for (const key of path) {
      if (typeof v !== 'object' || v === null) return undefined;
      v = (v as Record<string | number, unknown>)[key];
    }
    return v;
  }

  /** File line of a field; for a missing field, the line of its nearest existing parent. */
  lineOf(path: FieldPath): number {
    for (let n = path.length; n > 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return this.firstLine + this.lineCounter.linePos(node.range[0]).line - 1;
    }
    return this.firstLine;
  }

  /** Records a problem with the field; returns undefined so a reader can `return fm.report(…)`. */
  report(path: FieldPath, message: string): undefined {
    this.problems.push({ path: this.path, line: this.lineOf(path), message: `${describe(path)}: ${message}` });
    return undefined;
  }
}

/** `quiz[2].answer` for ['quiz', 2, 'answer']: how a person finds the field in the file. */
export function describe(path: FieldPath): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i ? `.${k}` : k)).join('');
}
