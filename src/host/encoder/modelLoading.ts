import { readFile } from 'node:fs/promises';
import type { Tokenizer } from '@huggingface/tokenizers';
import { type ModelConfig, parseModelConfig } from '../../shared/modelConfig';
import { type DeclaredInput, mapModelInputs, type ModelInputs } from '../../shared/modelInputs';
import { charNormalizer } from '../../shared/tokenAlignment';
import { ModelFormatError, modelProblem } from '../../shared/modelProblem';
import { tapDecoded } from './attentionTap';
import { fusedAttentionProblem, inspectGraph, vocabularyMismatch } from './graphInspection';
import { GraphRun } from './graphRun';
import { decodeModel, loadOnnxProto } from './onnxGraph';
import type { LoadedRuntime } from './runtime';
import { SESSION_OPTIONS } from './sessionOptions';
import type { TokenAlignment } from './textWindows';
import { viewCuts, ViewSessions } from './viewSessions';
import type { Capabilities } from './capabilities';

type Session = import('onnxruntime-node').InferenceSession;

export interface ModelFiles {
  name: string;
  modelPath: string;
  tokenizerPath: string;
  /** the bundled model has one; a bring-your-own model may not */
  configPath?: string;
}

export type { Capabilities } from './capabilities';

/** Everything a model's files give, checked and ready to run. */
export interface LoadedModel {
  graph: GraphRun;
  tokenizer: Tokenizer;
  alignment: TokenAlignment;
  config: ModelConfig;
  attentionOutputs: string[];
  capabilities: Capabilities;
  inputs: ModelInputs;
  loadMillis: number;
}

interface TokenizerJson {
  model?: { vocab?: Record<string, number>; type?: string; unk_token?: string; continuing_subword_prefix?: string };
  added_tokens?: { id?: unknown }[];
  normalizer?: unknown;
}

export async function readTokenizer(
  files: ModelFiles,
): Promise<{ json: TokenizerJson & { model: { vocab: Record<string, number> } }; tokenizer: Tokenizer }> {
  const text = await readFile(files.tokenizerPath, 'utf8').catch((e) => {
    throw new ModelFormatError(modelProblem('tokenizerUnreadable', files.tokenizerPath, e.message));
  });
  let json: TokenizerJson;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelFormatError(modelProblem('tokenizerNotJson', (e as Error).message));
  }
  if (json.model?.type !== 'WordPiece' || !json.model.vocab) {
    throw new ModelFormatError(modelProblem('tokenizerNotWordPiece'));
  }
  // imported here, not at the top: nothing of the tokenizer or ONNX is loaded when the extension activates
  const { Tokenizer } = await import('@huggingface/tokenizers');
  try {
    return { json: json as TokenizerJson & { model: { vocab: Record<string, number> } }, tokenizer: new Tokenizer(json, {}) };
  } catch (e) {
    throw new ModelFormatError(modelProblem('tokenizerUnusable', (e as Error).message));
  }
}

async function createSession(runtime: LoadedRuntime, bytes: Uint8Array, files: ModelFiles, tapped = false): Promise<Session> {
  try {
    return await runtime.ort.InferenceSession.create(bytes, SESSION_OPTIONS);
  } catch (e) {
    const why = (e as Error).message;
    const code = tapped ? 'runtimeCannotLoadTapped' : /protobuf/i.test(why) ? 'runtimeCannotLoadCorrupt' : 'runtimeCannotLoad';
    throw new ModelFormatError(modelProblem(code, files.modelPath, why));
  }
}

/** The inputs as the session declares them, for mapModelInputs. */
function declaredInputs(session: Session): DeclaredInput[] {
  return session.inputMetadata.map((m) => ({ name: m.name, type: m.isTensor ? m.type : undefined, dims: m.isTensor ? m.shape : [] }));
}

/** Entries of the tokenizer: the highest id it can produce, plus one. */
function tokenizerSize(json: TokenizerJson & { model: { vocab: Record<string, number> } }): number {
  let top = -1;
  for (const id of Object.values(json.model.vocab)) top = Math.max(top, id);
  for (const added of json.added_tokens ?? []) if (Number.isInteger(added.id)) top = Math.max(top, added.id as number);
  return top + 1;
}

/**
 * Reads, checks and prepares a model and its tokenizer, and runs it once on three tokens, before any
 * text is run: a model whose inputs cannot be fed, whose tokenizer does not fit its embedding table,
 * whose attention is fused or cannot be found, or which fails on that first run is refused here with a
 * ModelFormatError that says what was found and what would work.
 */
export async function loadModel(files: ModelFiles, runtime: LoadedRuntime): Promise<LoadedModel> {
  const t0 = performance.now();
  const [modelBytes, tok, cfgText] = await Promise.all([
    readFile(files.modelPath).catch((e) => {
      throw new ModelFormatError(modelProblem('modelUnreadable', files.modelPath, e.message));
    }),
    readTokenizer(files),
    files.configPath ? readFile(files.configPath, 'utf8') : Promise.resolve(undefined),
  ]);
  const vocab = tok.json.model.vocab;
  const vocabSize = tokenizerSize(tok.json);
  if (!modelBytes.length) throw new ModelFormatError(modelProblem('modelEmpty', files.modelPath));
  const fileConfig = cfgText ? parseModelConfig(JSON.parse(cfgText) as unknown) : undefined;
  // Probe the graph: the bundled model names its attention outputs; another export gets tapped.
  let session: Session | undefined = await createSession(runtime, modelBytes, files);
  let attentionOutputs = session.outputNames.filter((n) => /^attn_\d+$/.test(n)).sort((a, b) => +a.slice(5) - +b.slice(5));
  let tappedBytes: Uint8Array | undefined;
  let inputs: ModelInputs;
  // the embedding table's rows: config.json's vocab_size, or read off the graph
  let rows = fileConfig?.vocab_size;
  try {
    // inputs first: a model we cannot feed is rejected before the (slower) tapping
    const mapped = mapModelInputs(declaredInputs(session));
    if ('problem' in mapped) throw new ModelFormatError(mapped.problem);
    inputs = mapped.inputs;
    if (!attentionOutputs.length) {
      const onnx = await loadOnnxProto();
      const model = decodeModel(onnx, modelBytes);
      const facts = inspectGraph(model.graph, inputs.ids);
      if (facts.fusedAttention.length) throw new ModelFormatError(fusedAttentionProblem(facts.fusedAttention));
      rows = facts.embeddingRows ?? rows;
      const mismatch = rows === undefined ? undefined : vocabularyMismatch(vocabSize, rows);
      if (mismatch) throw new ModelFormatError(mismatch);
      const tapped = tapDecoded(onnx, model);
      const probe = session;
      session = undefined;
      await probe.release();
      session = await createSession(runtime, tapped.bytes, files, true);
      attentionOutputs = tapped.attentionOutputs;
      tappedBytes = tapped.bytes;
    } else {
      const mismatch = rows === undefined ? undefined : vocabularyMismatch(vocabSize, rows);
      if (mismatch) throw new ModelFormatError(mismatch);
    }
  } catch (e) {
    await session?.release().catch(() => undefined); // a rejected model leaves no native session behind
    throw e;
  }
  const special = {
    pad: vocab['[PAD]'] ?? 0,
    unk: vocab['[UNK]'] ?? 100,
    cls: vocab['[CLS]'] ?? 101,
    sep: vocab['[SEP]'] ?? 102,
    mask: vocab['[MASK]'] ?? 103,
  };
  const outs = new Set(session.outputNames);
  const capabilities: Capabilities = {
    qkv: outs.has('q_0') && outs.has('k_0') && outs.has('v_0'),
    mlm: outs.has('mlm_logits'),
    nsp: outs.has('nsp_logits'),
    hidden: outs.has('hidden_0'),
    positionSwitch: inputs.posScale !== undefined,
    headMask: inputs.headMask !== undefined && outs.has('mlm_logits'),
    logitLens: inputs.lensPosition !== undefined && outs.has('lens_logits'),
  };
  const alignment: TokenAlignment = {
    unkToken: tok.json.model.unk_token ?? '[UNK]',
    prefix: tok.json.model.continuing_subword_prefix ?? '##',
    normalize: charNormalizer(tok.json.normalizer),
  };
  const cuts = viewCuts(attentionOutputs, capabilities);
  let views: ViewSessions | undefined;
  let graph: GraphRun | undefined;
  try {
    views = await ViewSessions.create(runtime, tappedBytes ?? modelBytes, cuts);
    // the largest cut holds every stack; a smaller cut's stacks are some of them, under the same names
    const stacks = views ? cuts[cuts.length - 1].stacks : [];
    const stacked = new Map(
      stacks.flatMap(({ name, parts }) => parts.map((part, layer) => [part, { stack: name, layer, layers: parts.length }] as const)),
    );
    const padId = fileConfig?.special_tokens.pad ?? special.pad;
    graph = new GraphRun(runtime, session, views, stacked, inputs, padId, new Set(attentionOutputs));
    const heads = await probeRun(graph, attentionOutputs, fileConfig?.special_tokens ?? special);
    const config =
      fileConfig ??
      parseModelConfig({
        num_layers: attentionOutputs.length,
        num_heads: heads,
        hidden_size: heads, // unknown without q/k/v: a head size of 1 is never shown
        max_position_embeddings: inputs.fixedLength ?? 512,
        vocab_size: rows ?? vocabSize,
        special_tokens: special,
      });
    return {
      graph,
      tokenizer: tok.tokenizer,
      alignment,
      config,
      attentionOutputs,
      capabilities,
      inputs,
      loadMillis: performance.now() - t0,
    };
  } catch (e) {
    if (graph) await graph.release().catch(() => undefined);
    else {
      await views?.release().catch(() => undefined);
      await session.release().catch(() => undefined);
    }
    throw e;
  }
}

/**
 * Runs [CLS] [UNK] [SEP] through the whole graph and checks that every attention output is
 * [1, heads, 3, 3] with the same number of heads; returns that number. A model that loads but cannot
 * run, or whose tapped Softmax is not attention over the tokens, is refused here rather than at the
 * user's first selection.
 */
async function probeRun(graph: GraphRun, attentionOutputs: string[], special: ModelConfig['special_tokens']): Promise<number> {
  let out: Awaited<ReturnType<GraphRun['run']>>;
  try {
    out = await graph.run(graph.feeds([special.cls, special.unk, special.sep], [0, 0, 0]), attentionOutputs);
  } catch (e) {
    throw new ModelFormatError(modelProblem('firstRunFailed', (e as Error).message));
  }
  const dims = out[attentionOutputs[0]].dims;
  for (const name of attentionOutputs) {
    const d = out[name].dims;
    if (d.length !== 4 || d[0] !== 1 || d[2] !== 3 || d[3] !== 3 || d[1] !== dims[1]) {
      throw new ModelFormatError(modelProblem('attentionShape', name, d.join(', ')));
    }
  }
  return dims[1];
}
