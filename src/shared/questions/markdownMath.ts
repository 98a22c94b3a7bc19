import markdownIt, { type MarkdownIt, type StateBlock, type StateInline, type Token } from 'markdown-it';

/**
 * Markdown for question text: no raw HTML, plus `$…$` and `$$…$$` math. Math is left as a
 * placeholder element holding the escaped TeX (`<span class="math" data-math="inline">`); the
 * webview typesets it with KaTeX's DOM renderer, whose inline styles a strict CSP allows (styles set
 * through the DOM), where KaTeX's HTML string with `style="…"` attributes would be blocked.
 */
export function createQuestionMarkdown(): MarkdownIt {
  const md = markdownIt({ html: false, linkify: false, typographer: false });
  md.inline.ruler.before('escape', 'math_inline', mathInline);
  md.block.ruler.before('fence', 'math_block', mathBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  const escape = md.utils.escapeHtml;
  md.renderer.rules.math_inline = (tokens, i) => `<span class="math" data-math="${tokens[i].info}">${escape(tokens[i].content)}</span>`;
  md.renderer.rules.math_block = (tokens, i) => `<div class="math" data-math="display">${escape(tokens[i].content)}</div>\n`;
  return md;
}

export interface Formula {
  tex: string;
  display: boolean;
}

/** Every formula in a Markdown text, to check that KaTeX accepts them all. */
export function extractFormulas(md: MarkdownIt, markdown: string): Formula[] {
  const walk = (tokens: Token[]): Formula[] =>
    tokens.flatMap((t) => {
      if (t.type === 'math_block') return [{ tex: t.content, display: true }];
      if (t.type === 'math_inline') return [{ tex: t.content, display: t.info === 'display' }];
      return t.children ? walk(t.children) : [];
    });
  return walk(md.parse(markdown, {}));
}

/** `$x$` (pandoc's rule: no space inside the dollars, no digit after the closing one) and `$$x$$` within a line. */
function mathInline(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  if (src[state.pos] !== '$') return false;
  const display = src[state.pos + 1] === '$';
  const delim = display ? '$$' : '$';
  const start = state.pos + delim.length;
  if (!display && /\s/.test(src[start] ?? ' ')) return false;
  let end = src.indexOf(delim, start);
  while (end > start && (src[end - 1] === '\\' || (!display && (/\s/.test(src[end - 1]) || /\d/.test(src[end + 1] ?? ''))))) {
    end = src.indexOf(delim, end + 1);
  }
  if (end <= start) return false;
  if (!silent) {
    const token = state.push('math_inline', 'math', 0);
    token.content = src.slice(start, end);
    token.info = display ? 'display' : 'inline';
    token.markup = delim;
  }
  state.pos = end + delim.length;
  return true;
}

/** A block that opens with `$$` at the start of a line and ends at the next line ending in `$$`. */
function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  if (state.sCount[startLine] - state.blkIndent >= 4) return false; // an indented code block
  const lineText = (n: number) => state.src.slice(state.bMarks[n] + state.tShift[n], state.eMarks[n]).trimEnd();
  const first = lineText(startLine);
  if (!first.startsWith('$$')) return false;
  const rest = first.slice(2);
  const closesHere = rest.endsWith('$$') && rest.length >= 2;
  if (!closesHere && rest.includes('$$')) return false; // `$$a$$ and more` is inline math
  const lines = [closesHere ? rest.slice(0, -2) : rest];
  let last = startLine;
  if (!closesHere) {
    do {
      last++;
      if (last >= endLine) return false;
      lines.push(lineText(last));
    } while (!lines[lines.length - 1].endsWith('$$'));
    lines[lines.length - 1] = lines[lines.length - 1].slice(0, -2);
  }
  if (silent) return true;
  state.line = last + 1;
  const token = state.push('math_block', 'math', 0);
  token.block = true;
  token.content = lines.join('\n').trim();
  token.markup = '$$';
  token.map = [startLine, state.line];
  return true;
}
