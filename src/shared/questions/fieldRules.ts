import type { FieldPath, FrontMatter } from './frontMatter';

/**
 * Typed reads of front-matter fields. Each returns the value when it fits, or reports what is wrong
 * (with the field's line) and returns undefined, so one pass over a file finds all its problems.
 */
export const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function readString(fm: FrontMatter, path: FieldPath): string | undefined {
  const v = fm.get(path);
  if (v === undefined || v === null) return fm.report(path, 'is missing');
  if (typeof v !== 'string' || !v.trim()) return fm.report(path, 'must be a non-empty string');
  return v.trim();
}

export function readId(fm: FrontMatter, path: FieldPath): string | undefined {
  const v = readString(fm, path);
  if (v !== undefined && !ID_PATTERN.test(v)) return fm.report(path, `"${v}" is not a kebab-case id (a-z, 0-9, "-")`);
  return v;
}

export function readOneOf<T extends string>(fm: FrontMatter, path: FieldPath, allowed: readonly T[]): T | undefined {
  const v = readString(fm, path);
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T)) return fm.report(path, `"${v}" is not one of: ${allowed.join(', ')}`);
  return v as T;
}

export function readInteger(fm: FrontMatter, path: FieldPath): number | undefined {
  const v = fm.get(path);
  if (v === undefined || v === null) return fm.report(path, 'is missing');
  if (typeof v !== 'number' || !Number.isInteger(v)) return fm.report(path, 'must be an integer');
  return v;
}

export function readNumber(fm: FrontMatter, path: FieldPath, min = -Infinity): number | undefined {
  const v = fm.get(path);
  if (v === undefined || v === null) return fm.report(path, 'is missing');
  if (typeof v !== 'number' || !Number.isFinite(v)) return fm.report(path, 'must be a number');
  if (v < min) return fm.report(path, `must be at least ${min}`);
  return v;
}

export function readBoolean(fm: FrontMatter, path: FieldPath): boolean | undefined {
  const v = fm.get(path);
  if (v === undefined || v === null) return fm.report(path, 'is missing');
  if (typeof v !== 'boolean') return fm.report(path, 'must be true or false');
  return v;
}

/** A list whose every entry is read by `item`; undefined when the list or any entry is wrong. */
export function readList<T>(
  fm: FrontMatter,
  path: FieldPath,
  item: (path: FieldPath) => T | undefined,
  minLength = 0,
): T[] | undefined {
  const v = fm.get(path);
  if (v === undefined || v === null) return fm.report(path, 'is missing');
  if (!Array.isArray(v)) return fm.report(path, 'must be a list');
  if (v.length < minLength) return fm.report(path, `needs at least ${minLength} entries (has ${v.length})`);
  const out = v.map((_, i) => item([...path, i]));
  return out.every((x) => x !== undefined) ? (out as T[]) : undefined;
}

/** Reports keys the format does not know: a misspelt `tolerence` would otherwise be silently ignored. */
export function rejectUnknownKeys(fm: FrontMatter, path: FieldPath, known: readonly string[]): boolean {
  const v = fm.get(path);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return true;
  const unknown = Object.keys(v).filter((k) => !known.includes(k));
  unknown.forEach((k) => fm.report([...path, k], `unknown field (expected one of: ${known.join(', ')})`));
  return unknown.length === 0;
}
