import * as assert from 'node:assert';
import { createQuestionMarkdown, extractFormulas } from '../../src/shared/questions/markdownMath';
import { progressLine, progressState } from '../../src/shared/questions/progressSummary';
import { parseQuestionWebviewMessage, parseQuestionWebviewState } from '../../src/shared/questions/questionProtocol';

const md = createQuestionMarkdown();

suite('question Markdown with math', () => {
  test('inline math becomes a placeholder holding the escaped TeX', () => {
    assert.strictEqual(
      md.renderInline('variance $d_k < n_*$ here'),
      'variance <span class="math" data-math="inline">d_k &lt; n_*</span> here',
    );
  });

  test('a $$ block, on its own lines or one line, becomes a display placeholder', () => {
    assert.strictEqual(
      md.render('Then\n\n$$\n\\frac{a}{b}\n\\qquad c\n$$\n\nafter'),
      '<p>Then</p>\n<div class="math" data-math="display">\\frac{a}{b}\n\\qquad c</div>\n<p>after</p>\n',
    );
    assert.strictEqual(md.render('$$x^2$$'), '<div class="math" data-math="display">x^2</div>\n');
    assert.match(
      md.render('text\n$$\ny\n$$'),
      /<p>text<\/p>\n<div class="math" data-math="display">y<\/div>/,
      'a block may interrupt a paragraph',
    );
  });

  test('markdown inside math is left alone: underscores, stars, backslashes', () => {
    const html = md.renderInline('$q_i k_i * \\{x\\}$ and _em_');
    assert.strictEqual(html, '<span class="math" data-math="inline">q_i k_i * \\{x\\}</span> and <em>em</em>');
  });

  test('dollars that are not math stay text', () => {
    assert.strictEqual(md.renderInline('costs $5 and $10'), 'costs $5 and $10');
    assert.strictEqual(md.renderInline('a \\$ sign and $ spaced $'), 'a $ sign and $ spaced $');
    assert.strictEqual(md.renderInline('`$x$` in code'), '<code>$x$</code> in code');
  });

  test('raw HTML is escaped', () => {
    assert.strictEqual(md.render('<script>alert(1)</script>'), '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n');
  });

  test('extractFormulas finds inline, inline-display and block formulas', () => {
    const formulas = extractFormulas(md, 'a $x$ b $$y$$\n\n- item $z_1$\n\n$$\nw\n$$\n');
    assert.deepStrictEqual(formulas, [
      { tex: 'x', display: false },
      { tex: 'y', display: true },
      { tex: 'z_1', display: false },
      { tex: 'w', display: true },
    ]);
  });
});

suite('question progress summary', () => {
  const words = { seen: 'seen', due: 'due' };
  const now = 1_000_000;
  test('states and the line shown in the tree: a wrong latest answer is never shown as a success', () => {
    assert.deepStrictEqual(
      [
        { seen: false },
        { seen: true },
        { seen: true, score: 1, due: now + 1 },
        { seen: true, score: 0.8, due: now + 1 },
        { seen: true, score: 0, due: now + 60_000 },
        { seen: true, score: 0.456, due: now },
      ].map((p) => [progressState(p, now), progressLine(p, now, words)]),
      [
        ['new', ''],
        ['seen', 'seen'],
        ['scored', '100%'],
        ['relearn', '80%'],
        ['relearn', '0%'],
        ['due', '46% · due'],
      ],
    );
  });
});

suite('question webview protocol', () => {
  test('valid messages pass', () => {
    assert.deepStrictEqual(parseQuestionWebviewMessage({ type: 'quiz', id: 'why-multi-head' }), { type: 'quiz', id: 'why-multi-head' });
    assert.deepStrictEqual(
      parseQuestionWebviewMessage({ type: 'rendered', id: 'a', language: 'zh-cn', formulas: 3, formulaErrors: 0, extra: 1 }),
      {
        type: 'rendered',
        id: 'a',
        language: 'zh-cn',
        formulas: 3,
        formulaErrors: 0,
      },
    );
  });

  test('anything else is refused with a reason', () => {
    for (const bad of [
      null,
      'ready',
      { type: 'eval' },
      { type: 'openQuestion', id: '../../etc' },
      { type: 'tryDemo' },
      { type: 'rendered', id: 'a', language: 'fr', formulas: 1, formulaErrors: 0 },
    ]) {
      assert.throws(() => parseQuestionWebviewMessage(bad), /must|needs|unknown|not an object/, JSON.stringify(bad));
    }
  });

  test('saved state is read back only when it names a question', () => {
    assert.deepStrictEqual(parseQuestionWebviewState({ id: 'padding-mask' }), { id: 'padding-mask' });
    assert.strictEqual(parseQuestionWebviewState({ id: 42 }), undefined);
    assert.strictEqual(parseQuestionWebviewState(undefined), undefined);
  });
});
