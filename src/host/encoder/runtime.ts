/**
 * Loads an ONNX runtime on first use: the native `onnxruntime-node`, or — where its binary cannot
 * load (unsupported platform, missing file) — the same model on `onnxruntime-web`'s WASM backend.
 * Nothing here runs at activation; the import happens inside `loadRuntime`.
 */
export type Ort = typeof import('onnxruntime-node');

export interface LoadedRuntime {
  ort: Ort;
  provider: 'onnxruntime-node (native CPU)' | 'onnxruntime-web (WASM)';
  /** why the native runtime was not used, when it was not */
  fallbackReason?: string;
}

export async function loadRuntime(forceWasm = false): Promise<LoadedRuntime> {
  let fallbackReason = 'forced by configuration';
  if (!forceWasm) {
    try {
      const ort = (await import('onnxruntime-node')) as Ort;
      // touching the binding makes a missing or broken native binary fail here, not later
      void ort.InferenceSession;
      return { ort, provider: 'onnxruntime-node (native CPU)' };
    } catch (err) {
      fallbackReason = err instanceof Error ? err.message : String(err);
    }
  }
  const web = (await import('onnxruntime-web')) as unknown as Ort & { env: { wasm: { numThreads: number } } };
  // one thread: worker threads inside the extension host gain little for a model this small
  web.env.wasm.numThreads = 1;
  return { ort: web, provider: 'onnxruntime-web (WASM)', fallbackReason };
}
