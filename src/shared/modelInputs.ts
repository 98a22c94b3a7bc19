/**
 * Which of an ONNX export's inputs take the token ids, the attention mask, the segments and the
 * positions, decided from the names, element types and shapes the graph declares, before anything
 * runs. Exporters name these differently (Hugging Face: input_ids / attention_mask / token_type_ids;
 * the original BERT and TensorFlow exports: input_ids / input_mask / segment_ids, often with a ":0"
 * suffix and int32), some leave the segment input out, and some fix the sequence length.
 */
import { type ModelProblem, modelProblem } from './modelProblem';

/** An input as the graph declares it: ONNX element type name and shape (numbers fixed, strings symbolic). */
export interface DeclaredInput {
  name: string;
  /** 'int64', 'int32', 'float32', …; undefined when the input is not a tensor */
  type: string | undefined;
  dims: readonly (number | string)[];
}

export type IntType = 'int32' | 'int64';

export interface ModelInputs {
  ids: string;
  mask?: string;
  segments?: string;
  /** position_ids: fed 0, 1, 2, … */
  positions?: string;
  /** the bundled model's switch for its position embeddings */
  posScale?: string;
  /** [layers, heads] of 1 (keep) or 0 (switch the head off), as Hugging Face's BERT takes it */
  headMask?: { name: string; layers: number; heads: number };
  /** the token whose logit lens the bundled model's lens_logits output gives */
  lensPosition?: string;
  /** every integer input's element type, by name */
  intTypes: Readonly<Record<string, IntType>>;
  /** the sequence length the export was traced with, where it cannot take another */
  fixedLength?: number;
  /** the batch size the export was traced with, where it cannot take another */
  fixedBatch?: number;
}

const ROLES = {
  ids: ['input_ids', 'input_word_ids'],
  mask: ['attention_mask', 'input_mask', 'mask'],
  segments: ['token_type_ids', 'segment_ids', 'input_type_ids', 'type_ids'],
  positions: ['position_ids'],
  posScale: ['pos_scale'],
  headMask: ['head_mask'],
  lensPosition: ['lens_position'],
} as const;

type Role = keyof typeof ROLES;

/** The name without a TensorFlow output suffix (":0") or a leading scope ("bert/input_ids"), lower-cased. */
function bareName(name: string): string {
  return name.replace(/:\d+$/, '').split('/').pop()!.toLowerCase();
}

/** The inputs mapped to what they take, or in words why this export cannot be fed. */
export function mapModelInputs(declared: readonly DeclaredInput[]): { inputs: ModelInputs } | { problem: ModelProblem } {
  const byRole: Partial<Record<Role, DeclaredInput>> = {};
  const unknown: string[] = [];
  for (const input of declared) {
    const bare = bareName(input.name);
    const role = (Object.keys(ROLES) as Role[]).find((r) => (ROLES[r] as readonly string[]).includes(bare));
    if (!role) unknown.push(input.name);
    else if (byRole[role]) return { problem: modelProblem('inputsAmbiguous', byRole[role].name, input.name, role) };
    else byRole[role] = input;
  }
  const names = declared.map((d) => d.name).join(', ');
  if (!byRole.ids) return { problem: modelProblem('noIdsInput', names) };
  // a decoder's cache (Hugging Face's past_key_values.N.key, or past_key / past_value): said for what it is
  const cache = unknown.filter((n) => /^past(_key_values)?[._]|^past_(key|value)s?$/i.test(bareName(n)));
  if (cache.length) return { problem: modelProblem('decoderExport', cache.slice(0, 2).join(', ') + (cache.length > 2 ? ', …' : '')) };
  if (unknown.length) return { problem: modelProblem('unknownInputs', unknown.join(', ')) };

  const intTypes: Record<string, IntType> = {};
  for (const role of ['ids', 'mask', 'segments', 'positions'] as const) {
    const input = byRole[role];
    if (!input) continue;
    if (input.type !== 'int64' && input.type !== 'int32') {
      return {
        problem: modelProblem('inputNotInteger', role === 'ids' ? 'token id' : role, input.name, input.type ?? 'a non-tensor value'),
      };
    }
    intTypes[input.name] = input.type;
  }
  const posScale = byRole.posScale;
  if (posScale && posScale.type !== 'float32') return { problem: modelProblem('posScaleNotFloat', posScale.type ?? 'a non-tensor value') };
  const headMask = byRole.headMask;
  const [maskLayers, maskHeads] = headMask?.dims ?? [];
  if (
    headMask &&
    (headMask.type !== 'float32' || headMask.dims.length !== 2 || typeof maskLayers !== 'number' || typeof maskHeads !== 'number')
  )
    return { problem: modelProblem('headMaskShape', headMask.type ?? 'a non-tensor value', headMask.dims.join(', ')) };
  const lens = byRole.lensPosition;
  if (lens && lens.type !== 'int64') return { problem: modelProblem('lensPositionType', lens.type ?? 'a non-tensor value') };

  // [batch, sequence] for every per-token input, each axis fixed or not, the same across inputs
  const perToken = (['ids', 'mask', 'segments', 'positions'] as const).flatMap((r) => (byRole[r] ? [byRole[r]] : []));
  let fixedBatch: number | undefined;
  let fixedLength: number | undefined;
  for (const input of perToken) {
    if (input.dims.length !== 2) return { problem: modelProblem('inputShape', input.name, input.dims.join(', ')) };
    const [batch, length] = input.dims;
    if (typeof batch === 'number' && batch > 0) {
      if (fixedBatch !== undefined && fixedBatch !== batch) return { problem: modelProblem('batchDisagrees', fixedBatch, batch) };
      fixedBatch = batch;
    }
    if (typeof length === 'number' && length > 0) {
      if (fixedLength !== undefined && fixedLength !== length) return { problem: modelProblem('lengthDisagrees', fixedLength, length) };
      fixedLength = length;
    }
  }
  // [CLS] one token [SEP] is the shortest text
  if (fixedLength !== undefined && fixedLength < 3) return { problem: modelProblem('lengthTooShort', fixedLength) };

  return {
    inputs: {
      ids: byRole.ids.name,
      mask: byRole.mask?.name,
      segments: byRole.segments?.name,
      positions: byRole.positions?.name,
      posScale: posScale?.name,
      ...(headMask ? { headMask: { name: headMask.name, layers: maskLayers as number, heads: maskHeads as number } } : {}),
      ...(lens ? { lensPosition: lens.name } : {}),
      intTypes,
      fixedLength,
      fixedBatch,
    },
  };
}
