import * as assert from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import katex from 'katex';
import { bankTerms, buildBank } from '../../src/shared/questions/bank';
import { createQuestionMarkdown, extractFormulas } from '../../src/shared/questions/markdownMath';
import { readModelFacts } from '../../src/shared/questions/modelFacts';
import { parseQuestionFile } from '../../src/shared/questions/parseQuestion';
import { placeholdersIn } from '../../src/shared/questions/placeholders';
import { LAB_QUESTION } from '../../src/shared/labs/labTypes';
import { TermMatcher } from '../../src/shared/questions/termMatcher';
import { type BankProblem, LAB_IDS, LANGUAGES, type QuestionText } from '../../src/shared/questions/types';

/**
 * The content test: the real question bank under questions/, checked like code. Every problem is
 * listed as path:line so a writer can jump to it.
 */
const ROOT = join(__dirname, '..', '..');

/** The bank as the extension loads it: placeholders filled from the bundled model's config.json and card. */
function loadRealBank() {
  const model = join(ROOT, 'models', 'tiny-bert');
  const facts = readModelFacts(
    JSON.parse(readFileSync(join(model, 'config.json'), 'utf8')),
    readFileSync(join(model, 'MODEL_CARD.md'), 'utf8'),
  );
  const texts: QuestionText[] = [];
  const problems: BankProblem[] = [];
  const placeholderProblems: BankProblem[] = [];
  for (const language of LANGUAGES) {
    for (const name of readdirSync(join(ROOT, 'questions', language))
      .filter((f) => f.endsWith('.md'))
      .sort()) {
      const path = `questions/${language}/${name}`;
      const result = parseQuestionFile({ path, language, text: readFileSync(join(ROOT, path), 'utf8') }, facts);
      if (result.question) texts.push(result.question);
      for (const p of result.problems) (p.message.startsWith('placeholder ') ? placeholderProblems : problems).push(p);
    }
  }
  return { bank: buildBank(texts, problems), texts, placeholderProblems };
}

/** Every piece of text a reader sees, with where it comes from. */
function* readerText(t: QuestionText): Generator<{ field: string; text: string }> {
  yield { field: 'title', text: t.title };
  yield { field: 'summary', text: t.summary };
  for (const [i, term] of t.terms.entries()) yield { field: `terms[${i}]`, text: term };
  for (const [i, source] of t.sources.entries()) yield { field: `sources[${i}]`, text: source };
  for (const item of t.quiz) {
    const at = `quiz "${item.id}"`;
    if ('prompt' in item) yield { field: `${at} prompt`, text: item.prompt };
    if ('choices' in item) for (const [i, c] of item.choices.entries()) yield { field: `${at} choice ${i}`, text: c };
    yield { field: `${at} explain`, text: item.explain };
  }
  for (const field of ['answer', 'deeper', 'pitfalls'] as const) yield { field, text: t[field] };
}

/** Each match of `pattern` in the reader's text, as `path: field: …context…`. */
function findInText(texts: readonly QuestionText[], pattern: RegExp, languages: readonly string[] = LANGUAGES): string[] {
  const found: string[] = [];
  for (const t of texts.filter((x) => languages.includes(x.language))) {
    for (const { field, text } of readerText(t)) {
      for (const m of text.matchAll(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g'))) {
        found.push(`${t.path}: ${field}: …${text.slice(Math.max(0, m.index - 20), m.index + m[0].length + 20).replace(/\n/g, '⏎')}…`);
      }
    }
  }
  return found;
}

/** Text with its code spans and formulas taken out: identifiers such as `token_type_ids` or $W_Q$ are not prose. */
const withoutCodeAndMath = (text: string) =>
  text.replace(/```[\s\S]*?```|`[^`]*`|\$\$[\s\S]*?\$\$|\$[^$]*\$|（[A-Za-z][\w\s-]*）|“[A-Za-z][\w\s-]*”/g, ' ');

const report = (problems: readonly BankProblem[]) => problems.map((p) => `  ${p.path}:${p.line ?? 1}: ${p.message}`).join('\n');

suite('question bank content (questions/)', () => {
  const { bank, texts, placeholderProblems } = loadRealBank();

  test('every file parses, and every question has both languages, valid related ids, matching quizzes and unique terms', () => {
    assert.ok(bank.problems.length === 0, `${bank.problems.length} problem(s) in the question files:\n${report(bank.problems)}`);
  });

  test('every lab demonstrates a question whose demo is that lab, and every demo has a lab', () => {
    for (const [lab, id] of Object.entries(LAB_QUESTION)) {
      const q = bank.questions.get(id);
      assert.ok(q, `lab ${lab} links question ${id}, which exists`);
      assert.strictEqual(q.texts.en?.demo, lab, `question ${id} demonstrates ${lab}`);
    }
    for (const t of texts)
      assert.ok(t.demo in LAB_QUESTION || t.demo === 'through-the-layers', `${t.path}: demo ${t.demo} is a lab or a view of the panel`);
  });

  test("every placeholder resolves from the bundled model's config.json and model card", () => {
    assert.ok(
      placeholderProblems.length === 0,
      `${placeholderProblems.length} placeholder(s) cannot be filled in:\n${report(placeholderProblems)}`,
    );
    const left = texts.flatMap((t) =>
      [...readerText(t)].flatMap(({ field, text }) => placeholdersIn(text).map((p) => `${t.path}: ${field}: ${p}`)),
    );
    assert.deepStrictEqual(left, [], 'no placeholder is left in the text a reader sees');
  });

  test('no text speaks of "the seed": readers know it as a widely shared interview answer sheet', () => {
    // a random seed (随机种子) is fine; the answer sheet is not
    assert.deepStrictEqual(findInText(texts, /\b(?:the|this|that) seed\b|\bseed(?:'s| document| answer)|(?<!随机)种子/i), []);
  });

  test('Chinese text has no stray space next to Chinese punctuation or between two Chinese characters (folded YAML lines leave one)', () => {
    const space = String.raw`[ \t\u00a0]+`;
    const stray = new RegExp(
      `${space}(?=[，。、；：？！）》”])|(?<=[，。、；：？！（《“])${space}|(?<=\\p{Script=Han})${space}(?=\\p{Script=Han})`,
      'u',
    );
    assert.deepStrictEqual(findInText(texts, stray, ['zh-cn']), []);
  });

  test('Chinese text quotes with “” and uses one word per concept, as the UI does', () => {
    assert.deepStrictEqual(findInText(texts, /[「」『』]/, ['zh-cn']), [], 'quotes are “”');
    const prose = texts
      .filter((t) => t.language === 'zh-cn')
      .map((t) => ({
        ...t,
        sources: [], // English bibliography
        terms: [],
        ...Object.fromEntries((['title', 'summary', 'answer', 'deeper', 'pitfalls'] as const).map((f) => [f, withoutCodeAndMath(t[f])])),
        quiz: t.quiz.map((item) => ({ ...item, explain: withoutCodeAndMath(item.explain) })),
      }));
    // English words the UI translates: 词元, 查询/键/值, 填充, 掩码; and one name for the bundled model
    // an English gloss in （…） or a quoted English term (“smeared keys”) is fine
    const english =
      /(?<![A-Za-z_.[/<-])(?:tokens?|quer(?:y|ies)|keys?|values?|padding|mask)(?![A-Za-z_(>\]-])|(?<!内置)小编码器|内置(?:编码器|模型)|演示模型/i;
    assert.deepStrictEqual(findInText(prose, english, ['zh-cn']), []);
  });

  test('text points to another question by its topic (see the “KV cache” question, 见“KV 缓存”一题), never by its id', () => {
    const ids = [...bank.questions.keys()].sort((a, b) => b.length - a.length).join('|');
    // in English an id is flagged as written in italics (*kv-cache*), since some ids are also words (parallelism);
    // in Chinese any id is English in the middle of Chinese text
    const hits = [
      ...findInText(texts, new RegExp(`\\*(?:${ids})\\*`), ['en']),
      ...findInText(texts, new RegExp(`(?<![\\w-])(?:${ids})(?![\\w-])`), ['zh-cn']),
    ];
    // the English bibliography may name anything
    assert.deepStrictEqual(
      hits.filter((hit) => !/: sources\[/.test(hit)),
      [],
    );
  });

  test('no raw TeX reaches the reader: sources put it in $…$; titles, summaries (shown in hovers) and quiz text (a quick pick) have no TeX, $ or backticks', () => {
    // a lone exponent (2^n) or an escape in quoted code ('\\n') reads fine; \\in, ^{…}, _{…}, W^O do not
    const tex = /\^[A-Z{]|_\{|\\[A-Za-z]{2,}/;
    const outsideMath = (text: string) => text.replace(/\$[^$]*\$|`[^`]*`/g, '');
    const found: string[] = [];
    for (const t of texts) {
      for (const { field, text } of readerText(t)) {
        const plain = field.startsWith('quiz ') || field === 'title' || field === 'summary';
        const seen = field.startsWith('sources') ? outsideMath(text) : plain ? text : '';
        const m = seen.match(plain ? new RegExp(`${tex.source}|[$\`]`) : tex);
        if (m) found.push(`${t.path}: ${field}: …${seen.slice(Math.max(0, (m.index ?? 0) - 25), (m.index ?? 0) + 15)}…`);
      }
    }
    assert.deepStrictEqual(found, []);
  });

  test('labs are named by their titles, never by their ids (readers never see an id)', () => {
    const ids = [...LAB_IDS].sort((a, b) => b.length - a.length).join('|');
    assert.deepStrictEqual(findInText(texts, new RegExp(`(?<![\\w-])\\*?(?:${ids})\\*?\\s?(?:lab\\b|实验)`, 'i')), []);
  });

  test('what the bank says in words about the bundled model still holds (a retrained model with other choices needs the text revised)', () => {
    const config = JSON.parse(readFileSync(join(ROOT, 'models', 'tiny-bert', 'config.json'), 'utf8')) as Record<string, unknown>;
    // bert-embedding-layernorm, encoder-block, ffn-activation, layernorm-vs-batchnorm, residual-connections and
    // warmup-dropout explain the tiny encoder as pre-LN; embedding-scale, positional-encoding and position-schemes
    // as sinusoidal; every question as encoder-only with BERT's two special-token pair inputs
    assert.strictEqual(config.norm_placement, 'pre-LN');
    assert.strictEqual(config.position_encoding, 'sinusoidal');
    assert.strictEqual(config.model_type, 'tiny-bert');
  });

  test('the bank has at least 40 questions', () => {
    assert.ok(bank.questions.size >= 40, `only ${bank.questions.size} questions`);
  });

  test('every formula typesets in KaTeX', () => {
    const md = createQuestionMarkdown();
    const problems: BankProblem[] = [];
    for (const text of texts) {
      for (const field of ['summary', 'answer', 'deeper', 'pitfalls'] as const) {
        for (const { tex, display } of extractFormulas(md, text[field])) {
          try {
            katex.renderToString(tex, { displayMode: display, throwOnError: true, strict: false });
          } catch (err) {
            problems.push({ path: text.path, message: `${field}: ${(err as Error).message} in $${tex}$` });
          }
        }
      }
    }
    assert.ok(problems.length === 0, `${problems.length} formula(s) KaTeX cannot typeset:\n${report(problems)}`);
  });

  test('hovers fire only on terms specific enough to mean the concept, and ordinary sentences stay silent', () => {
    const matcher = new TermMatcher(bankTerms(bank));
    const ordinary = [
      'const names = Object.keys(obj);',
      'async query(sql) { return this.pool.query(sql); }',
      'I left my house key on the kitchen table.',
      'const value = cache.get(key) ?? defaultValue;',
      'SELECT key, value FROM settings WHERE key = $1',
      'const decoder = new TextDecoder("utf-8"); const text = decoder.decode(bytes);',
      'The JSON decoder rejects trailing commas.',
      'We train with data parallelism across eight GPUs.',
      'Cache warmup takes two seconds before the benchmark starts.',
      'A sinusoidal signal at 440 Hz drives the speaker.',
      'padding: 4px 8px; border-radius: 2px;',
      '我把房门钥匙忘在家里了。',
      '先查询数据库，再更新缓存里的键和值。',
      '我们用数据并行在八张卡上训练。',
      'JSON 解码器不接受末尾的逗号。',
      '这个问题的关键在于缓存的填充率。',
      'if (tok.type === TokenType.Keyword) { /* check the token type first */ }',
      'Save the relative position of the caret before the edit.',
      'We use data-parallel training on eight GPUs.',
      '子网掩码填 255.255.255.0，再用位掩码取出低四位。',
    ];
    const fired = ordinary.flatMap((line) =>
      matcher.findAll(line).map((m) => `"${line}": "${line.slice(m.start, m.end)}" → ${m.questionId}`),
    );
    assert.deepStrictEqual(fired, [], 'these ordinary sentences would show a concept hover');
    const concepts: [string, string][] = [
      ['掩码', 'mask-token-vs-attention-mask'],
      ['注意力掩码', 'padding-mask'],
      ['Each token emits a query vector and a key vector.', 'why-q-k-differ'],
      ['q = self.q_proj(x)', 'why-q-k-differ'],
      ['mask = batch["attention_mask"]', 'padding-mask'],
      ['the decoder uses masked self-attention', 'causal-mask'],
    ];
    for (const [line, id] of concepts) assert.strictEqual(matcher.findAll(line)[0]?.questionId, id, `"${line}" hovers ${id}`);
  });

  test('every term is found in text and leads to its own question', () => {
    const terms = bankTerms(bank);
    const matcher = new TermMatcher(terms);
    const lost = terms.filter(({ term, questionId }) => {
      const [match] = matcher.findAll(` ${term} `);
      return match?.questionId !== questionId || match.term !== term;
    });
    assert.deepStrictEqual(
      lost.map((t) => `${t.questionId}: "${t.term}"`),
      [],
      'these terms are hidden by a longer term or cannot match as written',
    );
  });
});
