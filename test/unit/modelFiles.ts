import * as path from 'node:path';
import type { ModelFiles } from '../../src/host/encoder/encoderCore';

export const MODEL_DIR = path.resolve(__dirname, '../../models/tiny-bert');
export const BUNDLED: ModelFiles = {
  name: 'tiny-bert',
  modelPath: path.join(MODEL_DIR, 'model.onnx'),
  tokenizerPath: path.join(MODEL_DIR, 'tokenizer.json'),
  configPath: path.join(MODEL_DIR, 'config.json'),
};
