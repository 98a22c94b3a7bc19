import type { ViewContext } from './viewContext';

/** The concept labs (filled in by the labs work); until a lab is chosen, the list of labs. */
export function renderLabsView(root: HTMLElement, ctx: ViewContext): void {
  const p = document.createElement('p');
  p.className = 'status';
  p.textContent = ctx.strings.labsIntro;
  root.append(p);
}
