/**
 * Why a model cannot be used (or a text cannot be given to it), as a code and its arguments rather
 * than a sentence, so that the host can say it in the user's language (vscode.l10n.t with
 * MODEL_PROBLEM_TEXT[code] as the key) while the encoder, which runs without vscode, logs and tests
 * the English. Arguments are paths, names, numbers and messages from ONNX Runtime or the tokenizer
 * library, which stay as they are.
 */
export const MODEL_PROBLEM_TEXT = {
  configNotObject: 'config.json is not a JSON object',
  configField: 'config.json: "{0}" must be a positive integer',
  tokenizerPathMissing: 'set transformerTutor.model.tokenizerPath to the model’s tokenizer.json as well',
  tokenizerUnreadable: 'cannot read the tokenizer file {0}: {1}',
  tokenizerNotJson: 'the tokenizer file is not valid JSON: {0}',
  tokenizerNotWordPiece: 'the tokenizer must be a HuggingFace tokenizer.json with a WordPiece model (BERT family)',
  tokenizerUnusable: 'the tokenizer file cannot be used: {0}',
  runtimeCannotLoad: 'ONNX Runtime cannot load {0}: {1}',
  runtimeCannotLoadCorrupt:
    'ONNX Runtime cannot load {0}: {1} (not an ONNX file, or a truncated or corrupt copy: export or download it again)',
  runtimeCannotLoadTapped: 'ONNX Runtime cannot load {0} with its attention exposed: {1}',
  modelUnreadable: 'cannot read the model file {0}: {1}',
  modelEmpty: 'the model file {0} is empty',
  notOnnx: 'not an ONNX model (protobuf decoding failed: {0})',
  noGraph: 'the ONNX file has no graph',
  missingOutputs: 'the model has no output named {0}',
  cannotStack: 'cannot stack {0}: {1} must all be kept outputs',
  stackNameTaken: 'cannot stack into {0}: the model already has that name',
  noSoftmax: 'no attention Softmax was found (expected Softmax nodes whose output multiplies V), so its attention cannot be read',
  fusedAttention:
    'its attention is fused into {0}, which compute the attention weights inside the operator and never hand them out, so there is nothing to draw; export it again without attention fusion (optimum-cli export onnx without --optimize, or with --optimize O1 at most), which keeps a Softmax per layer',
  vocabularyTooLarge:
    "the tokenizer has {0} entries but the model's embedding table has {1} rows, so ids from {1} on would fall outside it: use the tokenizer.json exported with this model",
  vocabularyForeign:
    "the tokenizer has {0} entries but the model's embedding table has {1} rows, so the tokenizer belongs to another model (the two differ by a few padding rows at most): use the tokenizer.json exported with this model",
  inputsAmbiguous: 'two of its inputs, {0} and {1}, both look like the {2} input',
  noIdsInput: 'its inputs are [{0}], and none of them takes token ids (expected input_ids, or input_word_ids)',
  decoderExport:
    'it is a GPT-style decoder export (its inputs {0} carry a KV cache), and bring-your-own models here are BERT-family encoders; the panel’s model switch shows the bundled decoder’s causal attention instead',
  unknownInputs:
    'it needs inputs this extension cannot provide: {0} (it feeds token ids (input_ids), an attention mask (attention_mask or input_mask), segments (token_type_ids or segment_ids) and positions (position_ids))',
  inputNotInteger: 'its {0} input {1} takes {2}, where int64 or int32 would work',
  posScaleNotFloat: 'its pos_scale input takes {0}, where float32 would work',
  headMaskShape: 'its head_mask input takes {0} of shape [{1}], where float32 of shape [layers, heads] would work',
  lensPositionType: 'its lens_position input takes {0}, where int64 would work',
  inputShape: 'its input {0} has shape [{1}], where [batch, sequence] would work',
  batchDisagrees: 'its inputs disagree on the batch size ({0} and {1})',
  lengthDisagrees: 'its inputs disagree on the sequence length ({0} and {1})',
  lengthTooShort:
    'it was exported for sequences of {0} tokens, too few for [CLS], a token and [SEP]: export it with a dynamic sequence axis',
  fixedLengthExceeded: "{0} tokens do not fit the model's fixed sequence length of {1}",
  fixedBatch: 'the model was exported for batches of {0}, not {1}',
  emptyText: 'the text is empty',
  binaryText: 'the text looks like binary data (many control or replacement characters), not something to read',
  noTokens: 'the text has no tokens (only whitespace or removed characters)',
  textRefused: 'the text cannot be encoded: {0}',
  firstRunFailed: 'it loads, but a first run on three tokens failed: {0}',
  loadFailed: 'it could not be loaded: {0}',
  attentionShape:
    'on three tokens its attention output {0} has shape [{1}], where [1, heads, 3, 3] (the same heads in every layer) was expected: it does not look like attention over the tokens',
} as const;

export type ModelProblemCode = keyof typeof MODEL_PROBLEM_TEXT;

export interface ModelProblem {
  code: ModelProblemCode;
  /** fill {0}, {1}, … of the code's text */
  args: string[];
}

export function modelProblem(code: ModelProblemCode, ...args: (string | number)[]): ModelProblem {
  return { code, args: args.map(String) };
}

/** Fills a template's {n} the way vscode.l10n.t does. */
export function fillTemplate(template: string, args: readonly string[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, n: string) => args[Number(n)] ?? whole);
}

/** The problem in English: for logs, tests, and Error.message. */
export function modelProblemEnglish(p: ModelProblem): string {
  return fillTemplate(MODEL_PROBLEM_TEXT[p.code], p.args);
}

/** A problem as it arrives from the encoder process: a known code and string arguments. */
export function isModelProblem(v: unknown): v is ModelProblem {
  const p = v as ModelProblem;
  return (
    typeof v === 'object' &&
    v !== null &&
    Object.hasOwn(MODEL_PROBLEM_TEXT, p.code) &&
    Array.isArray(p.args) &&
    p.args.every((a) => typeof a === 'string')
  );
}

/** The error every model check throws: its message is the English, its problem what the host localises. */
export class ModelFormatError extends Error {
  constructor(readonly problem: ModelProblem) {
    super(modelProblemEnglish(problem));
  }
}

/** What went wrong loading a model, as a problem: a check's own, or the error's message as detail. */
export function problemOf(err: unknown): ModelProblem {
  if (err instanceof ModelFormatError) return err.problem;
  return modelProblem('loadFailed', err instanceof Error ? err.message : String(err));
}
