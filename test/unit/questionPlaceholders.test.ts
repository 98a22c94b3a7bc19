import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readModelFacts } from '../../src/shared/questions/modelFacts';
import { parseQuestionFile } from '../../src/shared/questions/parseQuestion';
import { fillPlaceholders } from '../../src/shared/questions/placeholders';
import { body, frontMatter, path, questionFile } from './questionFixtures';
import { MODEL_DIR } from './modelFiles';

const CONFIG = {
  vocab_size: 8192,
  hidden_size: 128,
  num_layers: 4,
  num_heads: 4,
  dropout: 0.0,
  embedding_dropout: 0.1,
  position_encoding: 'sinusoidal',
  special_tokens: { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 },
};
const CARD = 'vocabulary 8192, positions up to 512; 1.88M parameters, of which 1.05M are …\nSequences hold at most 128 tokens. As in BERT…';
const facts = readModelFacts(CONFIG, CARD);
const fill = (text: string) => fillPlaceholders(text, facts);

suite('question placeholders: facts about the bundled model', () => {
  test('the real config.json and model card supply every fact the card template states', () => {
    const config = JSON.parse(readFileSync(join(MODEL_DIR, 'config.json'), 'utf8')) as Record<string, unknown>;
    const real = readModelFacts(config, readFileSync(join(MODEL_DIR, 'MODEL_CARD.md'), 'utf8'));
    assert.deepStrictEqual([...real.missing.entries()], [], 'no fact is missing');
    assert.strictEqual(real.values.get('model.vocab_size'), config.vocab_size);
    assert.strictEqual(real.values.get('model.num_layers'), config.num_layers);
    assert.strictEqual(real.values.get('model.head_size'), (config.hidden_size as number) / (config.num_heads as number));
    assert.strictEqual(real.values.get('model.mask_id'), (config.special_tokens as Record<string, number>).mask);
    assert.strictEqual(real.values.get('model.dropout'), config.dropout, 'the sub-layer dropout, not the embedding one');
  });

  test('a fact, arithmetic on facts, and a value shown with fixed decimals', () => {
    assert.deepStrictEqual(fill('{{model.num_layers}} layers × {{ model.num_heads }} heads of {{model.head_size}}'), {
      text: '4 layers × 4 heads of 32',
      problems: [],
    });
    assert.strictEqual(
      fill('{{model.hidden_size ^ 2}} = {{model.num_layers * model.hidden_size*model.hidden_size}}').text,
      '16384 = 65536',
    );
    assert.strictEqual(
      fill('ln {{model.vocab_size}} ≈ {{ln(model.vocab_size) | 2}}, √d = {{sqrt(model.hidden_size) | 3}}').text,
      'ln 8192 ≈ 9.01, √d = 11.314',
    );
    assert.strictEqual(
      fill('e^{{2 * sqrt(model.head_size) | 1}} ≈ {{exp(2 * sqrt(model.head_size)) | 0}}, {{log2(model.vocab_size)}} bits').text,
      'e^11.3 ≈ 81937, 13 bits',
    );
    assert.strictEqual(
      fill('p = {{model.embedding_dropout}}, {{(model.embedding_dropout - model.dropout) * 100}}%, {{-model.num_heads + 2}}').text,
      'p = 0.1, 10%, -2',
    );
    assert.strictEqual(
      fill('{{model.position_encoding}}; {{model.train_max_tokens}}-token; {{model.parameters}}').text,
      'sinusoidal; 128-token; 1.88M',
    );
  });

  test('an unknown fact is reported with its line and the list of facts, and left as written', () => {
    const { text, problems } = fill('line one\nhas {{model.layers}} here');
    assert.strictEqual(text, 'line one\nhas {{model.layers}} here');
    assert.strictEqual(problems.length, 1);
    assert.strictEqual(problems[0].line, 2);
    assert.match(
      problems[0].message,
      /^placeholder \{\{model\.layers\}\}: unknown fact "model\.layers"; the facts are .*model\.num_layers/,
    );
  });

  test('a fact the card no longer states says which sentence is missing', () => {
    const noCard = readModelFacts(CONFIG, 'a card that was rewritten', { config: 'config.json', card: 'models/tiny-bert/MODEL_CARD.md' });
    assert.match(
      fillPlaceholders('{{model.train_max_tokens}}', noCard).problems[0].message,
      /model\.train_max_tokens is not available: models\/tiny-bert\/MODEL_CARD\.md no longer has "Sequences hold at most N tokens"/,
    );
    const noConfig = readModelFacts(undefined, undefined);
    assert.match(fillPlaceholders('{{model.num_heads}}', noConfig).problems[0].message, /config\.json could not be read as a JSON object/);
  });

  test('writing mistakes are named: decimals missing, words in arithmetic, bad syntax', () => {
    const messages = [
      '{{sqrt(model.hidden_size)}}',
      '{{model.position_encoding * 2}}',
      '{{(model.num_heads}}',
      '{{model.num_heads | two}}',
      '{{}}',
      '{{model.num_heads +}}',
    ].map((t) => fill(t).problems[0]?.message);
    assert.match(
      messages[0],
      /is 11\.31\d+, not a whole number: say how many decimals to show, as in \{\{sqrt\(model\.hidden_size\) \| 2\}\}/,
    );
    assert.match(messages[1], /is the word "sinusoidal" and cannot be used in arithmetic/);
    assert.match(messages[2], /a "\(" is not closed/);
    assert.match(messages[3], /must be a number of decimals from 0 to 9/);
    assert.match(messages[4], /is empty/);
    assert.match(messages[5], /ends too early/);
  });

  test('a question file: a placeholder fills a numeric answer; an unfilled one is reported and the question still loads', () => {
    // quoted, so the file stays valid YAML for other tools; filled, the answer is a number
    const fm = frontMatter()
      .replace('answer: 64', 'answer: "{{model.hidden_size ^ 2}}"')
      .replace('Variance of q·k for d_k = 64?', 'Weights in W_K for d_model = {{model.hidden_size}}?')
      .replace('choices: ["It vanishes", "It explodes", "Nothing"]', 'choices: ["{{model.head_size}}", "It explodes", "Nothing"]');
    const good = parseQuestionFile({ path: path(), language: 'en', text: questionFile(fm) }, facts);
    assert.deepStrictEqual(good.problems, []);
    const item = good.question?.quiz.find((q) => q.id === 'variance');
    assert.ok(item?.kind === 'numeric');
    assert.deepStrictEqual([item.prompt, item.answer], ['Weights in W_K for d_model = 128?', 16384]);
    const single = good.question?.quiz.find((q) => q.id === 'jacobian');
    assert.ok(single?.kind === 'single');
    assert.strictEqual(single.choices[0], '32', 'a quoted placeholder among the choices stays text');

    const text = questionFile(frontMatter(), body().replace('The variance is', 'With {{model.num_layer}} layers, the variance is'));
    const stale = parseQuestionFile({ path: path(), language: 'en', text }, facts);
    assert.ok(stale.question, 'the question still loads');
    assert.match(stale.question.answer, /With \{\{model\.num_layer\}\} layers/);
    const line = text.split('\n').findIndex((l) => l.includes('{{')) + 1;
    assert.deepStrictEqual(
      stale.problems.map((p) => [p.path, p.line]),
      [['questions/en/why-scale.md', line]],
    );
  });
});
