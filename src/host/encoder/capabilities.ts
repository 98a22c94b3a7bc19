/** What a loaded model can give beyond attention (a bring-your-own export may give only attention). */
export interface Capabilities {
  qkv: boolean;
  mlm: boolean;
  nsp: boolean;
  hidden: boolean;
  positionSwitch: boolean;
}
