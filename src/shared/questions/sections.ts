import type { BankProblem, Language } from './types';

export type SectionName = 'answer' | 'deeper' | 'pitfalls';
export type Sections = Record<SectionName, string>;

/** The body's `##` headings, in this order, in each language's files. */
export const SECTION_HEADINGS: Record<Language, Record<SectionName, string>> = {
  en: { answer: 'Answer', deeper: 'Deeper', pitfalls: 'Pitfalls' },
  'zh-cn': { answer: '回答', deeper: '深入', pitfalls: '常见误区' },
};
const ORDER: readonly SectionName[] = ['answer', 'deeper', 'pitfalls'];

/**
 * Cuts the Markdown body at its `## ` headings (outside code fences) into the three sections.
 * Reports a missing, empty, misplaced or unknown section; text before the first heading would be
 * shown nowhere, so it is reported too.
 */
export function splitSections(path: string, body: string, firstLine: number, language: Language): Sections | BankProblem[] {
  const headings = SECTION_HEADINGS[language];
  const byTitle = new Map(ORDER.map((name) => [headings[name], name]));
  const expected = ORDER.map((n) => `"## ${headings[n]}"`).join(', ');
  const problems: BankProblem[] = [];
  const found: { name: SectionName; line: number; text: string[] }[] = [];
  let fence: string | undefined;
  body.split('\n').forEach((text, i) => {
    const line = firstLine + i;
    const marker = text.match(/^\s*(`{3,}|~{3,})/)?.[1];
    if (marker && (!fence || marker.startsWith(fence))) fence = fence ? undefined : marker;
    const heading = fence ? undefined : text.match(/^##\s+(.*?)\s*#*\s*$/)?.[1];
    if (heading === undefined) {
      if (found.length) found[found.length - 1].text.push(text);
      else if (text.trim()) problems.push({ path, line, message: `text before the first section is not shown anywhere; sections are ${expected}` });
      return;
    }
    const name = byTitle.get(heading);
    if (!name) problems.push({ path, line, message: `unknown section "## ${heading}"; ${language} files use ${expected}` });
    else if (found.some((s) => s.name === name)) problems.push({ path, line, message: `section "## ${heading}" appears twice` });
    else if (ORDER.indexOf(name) < ORDER.indexOf(found[found.length - 1]?.name ?? 'answer')) problems.push({ path, line, message: `section "## ${heading}" is out of order; the order is ${expected}` });
    else found.push({ name, line, text: [] });
  });
  const sections = {} as Sections;
  for (const name of ORDER) {
    const section = found.find((s) => s.name === name);
    const text = section?.text.join('\n').trim();
    if (!section) problems.push({ path, line: firstLine, message: `section "## ${headings[name]}" is missing` });
    else if (!text) problems.push({ path, line: section.line, message: `section "## ${headings[name]}" is empty` });
    else sections[name] = text;
  }
  return problems.length ? problems : sections;
}
