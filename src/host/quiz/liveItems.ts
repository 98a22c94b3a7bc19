import { readFile } from 'node:fs/promises';
import type { TokenInfo } from '../../shared/encoding';
import type { ModelTemplate } from '../../shared/questions/types';
import { mostAttended, paddingLeak } from '../../shared/quiz/modelItems/attentionItems';
import { causalSees, kvCacheKeys, MAX_STEP, nextToken } from '../../shared/quiz/modelItems/decoderItems';
import { type ModelFacts, NotApplicable } from '../../shared/quiz/modelItems/facts';
import { qkSymmetry, scaleEntropy } from '../../shared/quiz/modelItems/scoreItems';
import { chooseMaskPosition, mlmTop1, segmentOf } from '../../shared/quiz/modelItems/tokenItems';
import type { Random } from '../../shared/quiz/rng';
import type { EncodingPayload } from '../../shared/encoding';
import type { DecoderCore, DecoderRun } from '../decoder/decoderCore';
import type { EncoderCore } from '../encoder/encoderCore';
import type { LiveText } from './liveText';

/** [PAD]s appended for padding-leak: enough to take a visible share when unmasked. */
const PAD_COUNT = 4;

const vocabularies = new WeakMap<EncoderCore, Promise<string[]>>();

/** id → token of the model's tokenizer, read once per loaded model. */
function vocabulary(core: EncoderCore): Promise<string[]> {
  let v = vocabularies.get(core);
  if (!v) {
    v = readFile(core.files.tokenizerPath, 'utf8').then((text) => {
      const vocab: Record<string, number> = JSON.parse(text).model.vocab;
      const out: string[] = [];
      for (const [tok, id] of Object.entries(vocab)) out[id] = tok;
      return out;
    });
    vocabularies.set(core, v);
  }
  return v;
}

export interface LiveFacts {
  facts: ModelFacts;
  /** the sequence the item was computed on, with character ranges into the live text */
  tokens: readonly TokenInfo[];
}

/** The decoder's run over one whole text: [CLS] and its tokens. */
interface DecoderPass {
  core: DecoderCore;
  sequence: (TokenInfo & { id: number })[];
  run: DecoderRun;
}

/**
 * Runs the encoder for model items on one text: the plain encoding once, and the extra runs a
 * template needs (padded, masked) when it is asked; the decoder's templates load the bundled
 * decoder on first use and run it once on the text. Throws NotApplicable when the text or the
 * model cannot carry an item.
 */
export class LiveItemSource {
  private payload: Promise<EncodingPayload> | undefined;
  private sequence: (TokenInfo & { id: number })[] | undefined;
  private decoded: Promise<DecoderPass> | undefined;

  constructor(
    private readonly core: EncoderCore,
    readonly live: LiveText,
    private readonly rng: Random,
    private readonly decoder: () => Promise<DecoderCore>,
  ) {}

  async facts(template: ModelTemplate): Promise<LiveFacts> {
    switch (template) {
      case 'causal-sees':
        return this.causalSees();
      case 'next-token':
        return this.nextToken();
      case 'kv-cache-keys':
        return this.kvCacheKeys();
    }
    const p = await this.encoding();
    switch (template) {
      case 'most-attended':
        return { facts: mostAttended(p, this.rng), tokens: p.tokens };
      case 'segment-of':
        return { facts: segmentOf(p.tokens, this.rng), tokens: p.tokens };
      case 'qk-symmetry':
        return { facts: qkSymmetry(p, this.rng), tokens: p.tokens };
      case 'scale-entropy':
        return { facts: scaleEntropy(p, this.rng), tokens: p.tokens };
      case 'padding-leak':
        return this.paddingLeak();
      case 'mlm-top1':
        return this.mlmTop1();
    }
  }

  private encoding(): Promise<EncodingPayload> {
    this.payload ??= this.core.encode({ text: this.live.text, source: 'selection' });
    return this.payload;
  }

  /** The same tokens as the encoding, with their ids (the payload carries only text). */
  private ids(): (TokenInfo & { id: number })[] {
    if (!this.sequence) {
      const tok = this.core.tokenize(this.live.text);
      const cap = this.core.maxTokens - (tok.pair ? 3 : 2) - PAD_COUNT;
      this.sequence = this.core.buildSequence(tok.tokens.slice(0, cap)) as (TokenInfo & { id: number })[];
    }
    return this.sequence;
  }

  private async paddingLeak(): Promise<LiveFacts> {
    const seq = this.ids();
    const pad = this.core.config.special_tokens.pad;
    const tokens: TokenInfo[] = [
      ...seq,
      ...Array.from({ length: PAD_COUNT }, () => ({
        text: '[PAD]',
        start: seq[seq.length - 1].end,
        end: seq[seq.length - 1].end,
        segment: 0 as const,
        special: true,
      })),
    ];
    const ids = [...seq.map((t) => t.id), ...Array(PAD_COUNT).fill(pad)];
    const segments = tokens.map((t) => t.segment);
    const T = ids.length;
    const layer = Math.floor(this.rng() * this.core.attentionOutputs.length);
    const name = this.core.attentionOutputs[layer];
    // one batch of two: row 0 with every mask entry 1 (mask removed), row 1 with the [PAD]s masked
    const mask = [...ids.map(() => 1), ...ids.map((_, i) => (i < seq.length ? 1 : 0))];
    const out = await this.core.run(this.core.feeds([...ids, ...ids], [...segments, ...segments], mask, 2), [name]);
    const H = out[name].dims[1];
    const size = H * T * T;
    const facts = paddingLeak(
      {
        tokens,
        padFrom: seq.length,
        numHeads: H,
        layer,
        withoutMask: out[name].data.subarray(0, size),
        withMask: out[name].data.subarray(size, 2 * size),
      },
      this.rng,
    );
    return { facts, tokens };
  }

  private async mlmTop1(): Promise<LiveFacts> {
    if (!this.core.capabilities.mlm) throw new NotApplicable('the model has no masked-LM head');
    const seq = this.ids();
    const at = chooseMaskPosition(seq, this.rng);
    if (at === undefined) throw new NotApplicable('the text has no whole word to mask');
    const s = this.core.config.special_tokens;
    const ids = seq.map((t, i) => (i === at ? s.mask : t.id));
    const out = await this.core.run(
      this.core.feeds(
        ids,
        seq.map((t) => t.segment),
      ),
      ['mlm_logits'],
    );
    const V = out.mlm_logits.dims[2];
    const tokens = seq.map((t, i) => (i === at ? { ...t, text: '[MASK]' } : t));
    const facts = mlmTop1(
      {
        tokens,
        maskIndex: at,
        original: { id: seq[at].id, text: seq[at].text },
        logits: out.mlm_logits.data.subarray(at * V, (at + 1) * V),
        vocab: await vocabulary(this.core),
        specialIds: new Set([s.pad, s.unk, s.cls, s.sep, s.mask]),
      },
      this.rng,
    );
    return { facts, tokens: seq };
  }

  /** The decoder on the text, once: the sequence leaves room for the steps kv-cache-keys generates. */
  private decoding(): Promise<DecoderPass> {
    this.decoded ??= (async () => {
      const core = await this.decoder();
      const content = core.tokenize(this.live.text).slice(0, core.maxTokens - 1 - MAX_STEP);
      const sequence = core.sequence(content);
      return { core, sequence, run: await core.run(sequence.map((t) => t.id)) };
    })();
    return this.decoded;
  }

  private async causalSees(): Promise<LiveFacts> {
    const { core, sequence, run } = await this.decoding();
    return { facts: causalSees({ tokens: sequence, attention: run.attention, numHeads: core.numHeads }, this.rng), tokens: sequence };
  }

  private async nextToken(): Promise<LiveFacts> {
    const { core, sequence, run } = await this.decoding();
    const s = core.config.special_tokens;
    const facts = nextToken(
      {
        tokens: sequence,
        logits: run.logits,
        tokenText: (id) => core.idToToken(id),
        specialIds: new Set([s.pad, s.unk, s.cls, s.sep, s.mask]),
      },
      this.rng,
    );
    return { facts, tokens: sequence };
  }

  /** The counts follow from the cache's rule; the decoder then generates to that step, and what it did must agree. */
  private async kvCacheKeys(): Promise<LiveFacts> {
    const { core, sequence } = await this.decoding();
    const facts = kvCacheKeys(
      { prompt: sequence.length, layers: core.numLayers, heads: core.numHeads, maxPositions: core.config.max_position_embeddings },
      this.rng,
    );
    const steps = await core.generate(
      sequence.map((t) => t.id),
      facts.step,
      true,
    );
    const at = steps[facts.step - 1];
    if (!at || at.computed !== facts.withCache || at.reused !== facts.fromCache)
      throw new Error(
        `the decoder's step ${facts.step} computed ${at?.computed} keys and reused ${at?.reused}, not ${facts.withCache} and ${facts.fromCache}`,
      );
    const fed = facts.step > 1 ? steps[facts.step - 2].text : undefined;
    return { facts: { ...facts, measured: { computed: at.computed, reused: at.reused, ...(fed ? { fed } : {}) } }, tokens: sequence };
  }
}
