import * as assert from 'node:assert';
import { termKey, termKind, TermMatcher } from '../../src/shared/questions/termMatcher';

const matcher = new TermMatcher(
  [
    ['softmax', 'scale'],
    ['scaled dot-product attention', 'scale'],
    ['scaled_dot_product_attention', 'scale'],
    ['dot-product attention', 'dot'],
    ['attention head', 'heads'],
    ['multi-head attention', 'multi'],
    ['MultiheadAttention', 'multi'],
    ['多头注意力', 'multi'],
    ['注意力', 'attention'],
    ['位置编码', 'position'],
    ['LayerNorm', 'norm'],
    ['d_k', 'dim'],
    ['[CLS]', 'cls'],
    ['sqrt(d_k)', 'scale-root'],
    ['residual connection', 'residual'],
    ['BPE', 'bpe'],
  ].map(([term, questionId]) => ({ term, questionId })),
);

/** The matched text and question of each term found, left to right. */
const found = (text: string) => matcher.findAll(text).map((m) => `${text.slice(m.start, m.end)}→${m.questionId}`);

suite('term matching', () => {
  test('kinds: code identifiers, words, CJK', () => {
    assert.deepStrictEqual(
      ['d_k', '[CLS]', 'LayerNorm', 'sqrt(d_k)', 'BPE', 'softmax', 'padding mask', '位置编码', 'Transformer 编码器'].map(termKind),
      ['code', 'code', 'code', 'code', 'code', 'word', 'word', 'cjk', 'cjk'],
    );
    assert.strictEqual(termKey('Padding  Mask'), 'padding mask');
    assert.strictEqual(termKey('LayerNorm'), 'LayerNorm');
  });

  test('code: exact identifiers inside real code', () => {
    assert.deepStrictEqual(found('self.norm1 = nn.LayerNorm(d_model)'), ['LayerNorm→norm']);
    assert.deepStrictEqual(found('attn = nn.MultiheadAttention(512, 8)'), ['MultiheadAttention→multi']);
    assert.deepStrictEqual(found('out = F.scaled_dot_product_attention(q, k, v)'), ['scaled_dot_product_attention→scale']);
    assert.deepStrictEqual(found('w = F.softmax(scores / math.sqrt(self.d_k), dim=-1)'), ['softmax→scale', 'd_k→dim']);
    assert.deepStrictEqual(found('tokens = ["[CLS]", "hi", "[SEP]"]'), ['[CLS]→cls']);
    assert.deepStrictEqual(found('x / sqrt(d_k)'), ['sqrt(d_k)→scale-root'], 'the longer code term wins over d_k inside it');
  });

  test('code: case matters and identifiers are whole', () => {
    assert.deepStrictEqual(found('layernorm Layernorm LAYERNORM'), []);
    assert.deepStrictEqual(found('MyLayerNormalizer LayerNorm2d d_kv self.d_k'), ['d_k→dim']);
    assert.deepStrictEqual(found('bpe BPE'), ['BPE→bpe']);
  });

  test('words: any case, whole words, plural -s', () => {
    assert.deepStrictEqual(found('Softmax turns scores into weights; SOFTMAX again.'), ['Softmax→scale', 'SOFTMAX→scale']);
    assert.deepStrictEqual(found('softmaxes log_softmax presoftmax'), ['softmaxes→scale']);
    assert.deepStrictEqual(found('Residual connections help.'), ['Residual connections→residual']);
    assert.deepStrictEqual(found('each attention\thead'), ['attention\thead→heads'], 'any whitespace between the words');
  });

  test('overlapping terms: the longest match wins', () => {
    assert.deepStrictEqual(found('Scaled dot-product attention is dot-product attention, scaled.'), [
      'Scaled dot-product attention→scale',
      'dot-product attention→dot',
    ]);
    assert.deepStrictEqual(found('multi-head attention heads'), ['multi-head attention→multi'], '"attention head" overlaps and is shorter');
    assert.deepStrictEqual(found('多头注意力机制与注意力'), ['多头注意力→multi', '注意力→attention']);
  });

  test('CJK: substrings, and English terms right next to Chinese characters', () => {
    assert.deepStrictEqual(found('Transformer用位置编码表示顺序'), ['位置编码→position']);
    assert.deepStrictEqual(found('经过softmax得到权重，再用LayerNorm'), ['softmax→scale', 'LayerNorm→norm']);
  });

  test('offsets are UTF-16 positions in the original text', () => {
    const text = '👍 多头注意力 and LayerNorm';
    const [multi, norm] = matcher.findAll(text);
    assert.deepStrictEqual([multi.start, multi.end, norm.start, norm.end], [3, 8, 13, 22]);
    assert.strictEqual(multi.term, '多头注意力');
  });

  test('at(): the term covering a character, or nothing', () => {
    const line = 'x = nn.LayerNorm(d)';
    assert.strictEqual(matcher.at(line, 7)?.questionId, 'norm');
    assert.strictEqual(matcher.at(line, 15)?.questionId, 'norm');
    assert.strictEqual(matcher.at(line, 16), undefined, 'the "(" right after the term');
    assert.strictEqual(matcher.at(line, 2), undefined);
  });

  test('an everyday compound that contains a term hides it: a subnet mask is not an attention mask', () => {
    const m = new TermMatcher([{ term: '掩码', questionId: 'mask' }]);
    assert.deepStrictEqual(
      m.findAll('子网掩码是 255.255.255.0，位掩码也一样').map((x) => x.questionId),
      [],
    );
    assert.deepStrictEqual(
      m.findAll('注意力的掩码').map((x) => x.questionId),
      ['mask'],
    );
    assert.strictEqual(m.size, 1, 'the ordinary phrases are not counted as terms');
  });

  test('terms with regex characters are literal', () => {
    const m = new TermMatcher([{ term: 'a.b*c', questionId: 'q' }]);
    assert.deepStrictEqual(
      m.findAll('aXbbc a.b*c').map((x) => x.start),
      [6],
    );
  });
});
