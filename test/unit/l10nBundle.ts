import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const zh = JSON.parse(readFileSync(join(__dirname, '..', '..', 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
const placeholders = (text: string) => [...new Set(text.match(/\{\d+\}/g) ?? [])].sort().join();

/**
 * For a table of English texts the host passes to vscode.l10n.t by code (not as literals, so the l10n
 * coverage test cannot see them): each code whose text has no Chinese entry, or one that drops or adds a placeholder.
 */
export function untranslated(texts: Readonly<Record<string, string>>): string[] {
  const missing: string[] = [];
  for (const [code, english] of Object.entries(texts)) {
    const chinese = zh[english];
    if (chinese === undefined) missing.push(`${code}: no translation for "${english}"`);
    else if (placeholders(chinese) !== placeholders(english))
      missing.push(`${code}: placeholders ${placeholders(english)} became ${placeholders(chinese)}`);
    else if (!/\p{Script=Han}/u.test(chinese)) missing.push(`${code}: the translation has no Chinese`);
  }
  return missing;
}
