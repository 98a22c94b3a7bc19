import * as l10n from '@vscode/l10n';
import { LAB_QUESTION, type LabBlock, type LabParams, type LabResult } from '../../shared/labs/labTypes';
import type { LabId } from '../../shared/questions/types';
import type { EncoderCore } from '../encoder/encoderCore';
import { multiHeadLab, qkLab, scaleLab } from './attentionLabs';
import { labInput, LAB_MAX_TOKENS } from './labInput';
import { compareLab, compareModelsLab, logitLensLab, whichHeadsLab } from './beyondLabs';
import { causalDecoderLab, decodingLab, inductionLab, kvCacheLab, maskedVsCausalLab } from './decoderLabs';
import type { DecoderCore } from '../decoder/decoderCore';
import { mlmLab, paddingLab } from './maskLabs';
import { embeddingScaleLab, permutationLab, positionalEncodingLab } from './positionLabs';
import { residualLab, segmentsLab } from './structureLabs';
import { labTitle } from './labTitles';
import { wordpieceLab } from './tokenLabs';

export { labTitle };

const t = l10n.t;

export const SAMPLE_TEXT = 'The cat sat on the mat because it was tired. It fell asleep in the warm sun.';
export const SAMPLE_TEXT_ZH = '猫坐在垫子上，因为它累了。它在温暖的阳光下睡着了。';

/** What a lab needs from the model beyond attention (a bring-your-own export may lack it). */
const NEEDS: Record<LabId, (keyof EncoderCore['capabilities'])[]> = {
  'multi-head': [],
  'q-k-differ': ['qkv'],
  'scale-sqrt-dk': ['qkv'],
  'padding-mask': ['qkv'],
  'embedding-scale': ['hidden'],
  'positional-encoding': ['hidden'],
  permutation: ['positionSwitch'],
  'residual-ffn-layernorm': ['hidden'],
  'segments-nsp': ['nsp', 'hidden'],
  mlm: ['mlm'],
  'causal-mask': [],
  'wordpiece-bpe': [],
  'logit-lens': ['logitLens'],
  'which-heads': ['headMask'],
  compare: ['mlm'],
  // the decoder labs run the bundled decoder; the one that sets the encoder beside it needs its MLM head
  'kv-cache': [],
  decoding: [],
  induction: [],
  'masked-vs-causal': ['mlm'],
};

/** What a model without a capability lacks, in words a reader of the lab understands, with the output names an exporter would look for. */
function lackedInWords(): Record<keyof EncoderCore['capabilities'], string> {
  return {
    qkv: t('the queries, keys and values of each head (outputs q_N, k_N, v_N)'),
    hidden: t('the hidden states after each layer (outputs hidden_N)'),
    mlm: t('a masked-language-model head (output mlm_logits)'),
    nsp: t('a next-sentence head (output nsp_logits)'),
    positionSwitch: t('a switch that turns its position embeddings off (input pos_scale)'),
    headMask: t('a switch that turns single heads off (input head_mask, as Hugging Face’s BERT takes it)'),
    logitLens: t('the masked-LM head applied after every layer (output lens_logits with input lens_position)'),
  };
}

/** What a lab runs with besides the encoder: the display language, and the other models, loaded by the labs that use them. */
export interface LabModels {
  /** VS Code's display language (the sample text and Chinese word splitting follow it) */
  language: string;
  /** the bundled decoder */
  decoder: () => Promise<DecoderCore>;
  /** the bundled encoder beside a bring-your-own one (the compare lab) */
  bundled: () => Promise<EncoderCore>;
  /** the encoder is the bundled one */
  isBundled: boolean;
}

/**
 * Runs one lab on the user's text (or the built-in sample when there is none), from the encoder's
 * real outputs, and says plainly when the loaded model cannot support it.
 */
export async function runLab(
  core: EncoderCore,
  lab: LabId,
  params: LabParams,
  text: string | undefined,
  piecesPath: string,
  models: LabModels,
): Promise<LabResult> {
  const { decoder, language } = models;
  const sample = !text?.trim();
  const source = sample ? (language.startsWith('zh') ? SAMPLE_TEXT_ZH : SAMPLE_TEXT) : (text as string);
  // with the learner's own model loaded, the compare lab can set the bundled one beside it (attention alone)
  const against = lab === 'compare' && !models.isBundled ? (params.against ?? (core.capabilities.mlm ? 0 : 1)) : 0;
  const choice: LabBlock[] = models.isBundled || lab !== 'compare' ? [] : [compareChoice(against)];
  const title = against === 1 ? t('Two models, one text: attention side by side') : labTitle(lab);
  const base: Omit<LabResult, 'blocks'> = { lab, questionId: LAB_QUESTION[lab], title };
  const missing = against === 1 ? [] : NEEDS[lab].filter((c) => !core.capabilities[c]);
  if (missing.length) {
    const lacks = missing.map((c) => lackedInWords()[c]).join(t('; '));
    return {
      ...base,
      blocks: [
        ...choice,
        {
          kind: 'claim',
          text: t(
            'This lab is unavailable for the model “{0}”, which lacks {1}. The bundled model has what it needs.',
            core.files.name,
            lacks,
          ),
        },
      ],
    };
  }
  const input = labInput(core, source, sample);
  const layer = Math.min(params.layer ?? 0, core.attentionOutputs.length - 1);
  const head = Math.min(params.head ?? 0, core.config.num_heads - 1);
  const builders: Record<LabId, () => Promise<LabBlock[]>> = {
    'multi-head': () => multiHeadLab(input, layer),
    'q-k-differ': () => qkLab(input, layer, head),
    'scale-sqrt-dk': () => scaleLab(input, layer, head),
    'padding-mask': () => paddingLab(input, layer),
    'embedding-scale': () => embeddingScaleLab(input),
    'positional-encoding': () => positionalEncodingLab(input),
    permutation: () => permutationLab(input, layer),
    'residual-ffn-layernorm': () => residualLab(input),
    'segments-nsp': () => segmentsLab(input),
    mlm: () => mlmLab(input, params.token, params.seed ?? 0),
    'causal-mask': async () => causalDecoderLab(input, await decoder(), source, layer, head),
    'wordpiece-bpe': () => wordpieceLab(input, source, piecesPath),
    'logit-lens': () => logitLensLab(input, params.token),
    'which-heads': () => whichHeadsLab(input, params.token, params.off ?? []),
    compare: async () => [
      ...choice,
      ...(against === 1
        ? await compareModelsLab(input, labInput(await models.bundled(), source, sample), source, params.layer ?? 0, language)
        : await compareLab(input, source, params, layer, head, language)),
    ],
    'kv-cache': async () => kvCacheLab(await decoder(), source),
    decoding: async () => decodingLab(await decoder(), source, params),
    induction: async () => inductionLab(await decoder(), source, params),
    'masked-vs-causal': async () => maskedVsCausalLab(input, await decoder(), params.token, layer, head),
  };
  const blocks = await builders[lab]();
  const notes: LabBlock[] = [];
  if (sample)
    notes.push({
      kind: 'note',
      text: t('No text was selected, so the lab uses a built-in sample sentence. Select text and open the lab again to use yours.'),
    });
  if (input.truncated)
    notes.push({ kind: 'note', text: t('Labs use the first {0} tokens of the text so every number stays readable.', LAB_MAX_TOKENS) });
  return { ...base, blocks: [...blocks, ...notes] };
}

/** The compare lab's switch, with a bring-your-own model loaded: a word changed, or the bundled model beside it. */
function compareChoice(against: number): LabBlock {
  return {
    kind: 'choice',
    param: 'against',
    label: t('Compare with'),
    options: [
      { value: 0, label: t('the text with a word changed') },
      { value: 1, label: t('the bundled model on this text') },
    ],
    current: against,
  };
}
