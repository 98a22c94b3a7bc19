import type { LabResult } from '../../shared/labs/labTypes';
import { LAB_IDS, type LabId } from '../../shared/questions/types';
import { renderBlock } from './labBlocks';
import type { ViewContext } from './viewContext';

/** The Labs tab: pick a lab; the host computes it on this text and the blocks are drawn here. */
export function renderLabsView(root: HTMLElement, ctx: ViewContext): void {
  const { strings: S, labs } = ctx;
  const lab = (LAB_IDS.includes(ctx.state.lab as LabId) ? ctx.state.lab : 'multi-head') as LabId;
  const wrap = document.createElement('div');
  wrap.className = 'labs-view';
  const picker = document.createElement('nav');
  picker.className = 'lab-picker';
  picker.setAttribute('aria-label', S.labsIntro);
  for (const id of LAB_IDS) {
    const b = document.createElement('button');
    b.className = 'lab-link';
    b.textContent = S[`lab.${id}`] ?? id;
    b.setAttribute('aria-current', String(id === lab));
    b.dataset.focusKey = `lab-${id}`;
    b.addEventListener('click', () => ctx.update({ lab: id }));
    picker.append(b);
  }
  const body = document.createElement('section');
  body.className = 'lab-body';
  body.setAttribute('aria-live', 'polite');
  wrap.append(picker, body);
  root.append(wrap);

  const fresh = labs.result && labs.result.lab === lab && labs.forRequest === ctx.requestId;
  if (labs.error && labs.error.lab === lab && labs.forRequest === ctx.requestId) {
    body.append(Object.assign(document.createElement('p'), { className: 'status', textContent: labs.error.message }));
    return;
  }
  if (!fresh) {
    body.append(Object.assign(document.createElement('p'), { className: 'status', textContent: S.labComputing }));
    ctx.runLab(lab);
    return;
  }
  const r = labs.result as LabResult;
  const h = document.createElement('h2');
  h.textContent = r.title;
  body.append(h);
  for (const b of r.blocks) body.append(renderBlock(b, (action) => ctx.runLab(lab, action), S));
  if (lab === 'mlm' || lab === 'decoding' || lab === 'induction') {
    const again = document.createElement('vscode-button');
    again.setAttribute('secondary', '');
    again.textContent = S.labAnotherSample;
    again.addEventListener('click', () => ctx.runLab(lab, { kind: 'anotherSample' }));
    body.append(again);
  }
  const footer = document.createElement('div');
  footer.className = 'lab-footer';
  const open = document.createElement('vscode-button');
  open.textContent = S.openQuestion;
  open.addEventListener('click', () => ctx.openQuestion(r.questionId));
  const quiz = document.createElement('vscode-button');
  quiz.setAttribute('secondary', '');
  quiz.textContent = S.quizMe;
  quiz.addEventListener('click', () => ctx.quizQuestion(r.questionId));
  footer.append(open, quiz);
  body.append(footer);
}
