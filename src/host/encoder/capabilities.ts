/** What a loaded model can give beyond attention (a bring-your-own export may give only attention). */
export interface Capabilities {
  qkv: boolean;
  mlm: boolean;
  nsp: boolean;
  hidden: boolean;
  positionSwitch: boolean;
  /** heads can be switched off for a run (input head_mask) */
  headMask: boolean;
  /** the MLM head after every layer at one token (output lens_logits, input lens_position) */
  logitLens: boolean;
}
