import * as path from 'node:path';
import type { ModelFiles } from '../../src/host/encoder/encoderCore';

export const MODEL_DIR = path.resolve(__dirname, '../../models/tiny-bert');
export const BUNDLED: ModelFiles = {
  name: 'tiny-bert',
  modelPath: path.join(MODEL_DIR, 'model.onnx'),
  tokenizerPath: path.join(MODEL_DIR, 'tokenizer.json'),
  configPath: path.join(MODEL_DIR, 'config.json'),
};

/** The tiny GPT-style decoder beside it (models/train/export_decoder.py). */
export const DECODER: ModelFiles = {
  name: 'tiny-gpt',
  modelPath: path.resolve(__dirname, '../../models/tiny-gpt/model.onnx'),
  tokenizerPath: path.resolve(__dirname, '../../models/tiny-gpt/tokenizer.json'),
  configPath: path.resolve(__dirname, '../../models/tiny-gpt/config.json'),
};
