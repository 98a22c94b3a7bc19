import katex from 'katex';
import { createQuestionMarkdown } from '../../shared/questions/markdownMath';
import type {
  QuestionHostMessage,
  QuestionStrings,
  QuestionView,
  QuestionWebviewMessage,
  QuestionWebviewState,
} from '../../shared/questions/questionProtocol';
import { readBootstrap } from '../vscodeApi';

interface VsCodeApi {
  postMessage(msg: QuestionWebviewMessage): void;
  setState(state: QuestionWebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
const { strings } = readBootstrap<{ strings: QuestionStrings }>();
const md = createQuestionMarkdown();

window.addEventListener('message', (e: MessageEvent<QuestionHostMessage>) => {
  const msg = e.data;
  switch (msg.type) {
    case 'show':
      show(msg.view);
      break;
    default: {
      const never: never = msg.type;
      void never;
    }
  }
});

// one listener for every button: each carries what it asks for in data-action / data-id
document.addEventListener('click', (e) => {
  const button = (e.target as Element).closest<HTMLElement>('[data-action]');
  const id = button?.dataset.id;
  if (!button || !id) return;
  const action = button.dataset.action;
  if (action === 'quiz' || action === 'tryDemo' || action === 'openQuestion') api.postMessage({ type: action, id });
});

api.postMessage({ type: 'ready' });

function show(view: QuestionView): void {
  document.documentElement.lang = view.language;
  const main = el('main', 'question');
  main.append(header(view));
  main.append(
    section(strings.answer, view.answer, 'answer'),
    section(strings.deeper, view.deeper),
    section(strings.pitfalls, view.pitfalls),
  );
  if (view.related.length) main.append(related(view));
  main.append(sources(view));
  document.body.replaceChildren(main);
  const { formulas, formulaErrors } = typeset(main);
  window.scrollTo(0, 0);
  api.setState({ id: view.id });
  api.postMessage({ type: 'rendered', id: view.id, language: view.language, formulas, formulaErrors });
}

function header(view: QuestionView): HTMLElement {
  const head = el('header');
  const meta = el('div', 'meta', view.topic);
  if (view.progress) meta.append(el('span', 'progress', view.progress));
  const summary = el('p', 'summary');
  summary.innerHTML = md.renderInline(view.summary);
  head.append(meta, el('h1', '', view.title), summary, actions(view));
  if (view.fallback) head.append(el('p', 'notice', strings.fallback));
  return head;
}

function actions(view: QuestionView): HTMLElement {
  const bar = el('div', 'actions');
  bar.append(
    button('quiz', view.id, 'checklist', strings.quiz, strings.quizTitle, 'primary'),
    button('tryDemo', view.id, 'eye', strings.tryIt, strings.tryItTitle, 'secondary'),
  );
  return bar;
}

function section(heading: string, markdown: string, className = ''): HTMLElement {
  const s = el('section', className);
  const body = el('div', 'markdown');
  // markdown-it is set to escape raw HTML; scripts could not run anyway under the page's CSP
  body.innerHTML = md.render(markdown);
  s.append(el('h2', '', heading), body);
  return s;
}

function related(view: QuestionView): HTMLElement {
  const s = el('section', 'related');
  const list = el('ul');
  for (const r of view.related) {
    const item = el('li');
    item.append(button('openQuestion', r.id, 'arrow-right', r.title, '', 'link'));
    list.append(item);
  }
  s.append(el('h2', '', strings.related), list);
  return s;
}

function sources(view: QuestionView): HTMLElement {
  const s = el('section', 'sources');
  const list = el('ul');
  for (const source of view.sources) {
    const item = el('li');
    item.innerHTML = md.renderInline(source);
    list.append(item);
  }
  s.append(el('h2', '', strings.sources), list);
  return s;
}

/** Replaces every math placeholder with KaTeX's DOM; a formula KaTeX rejects stays as its TeX, marked. */
function typeset(root: HTMLElement): { formulas: number; formulaErrors: number } {
  const placeholders = root.querySelectorAll<HTMLElement>('.math[data-math]');
  let formulaErrors = 0;
  placeholders.forEach((node) => {
    const tex = node.textContent ?? '';
    try {
      katex.render(tex, node, { displayMode: node.dataset.math === 'display', throwOnError: true, strict: false, output: 'htmlAndMathml' });
    } catch (err) {
      formulaErrors++;
      node.classList.add('math-error');
      node.title = `${strings.formulaError}: ${err instanceof Error ? err.message : String(err)}`;
    }
  });
  return { formulas: placeholders.length, formulaErrors };
}

function button(
  action: string,
  id: string,
  icon: string,
  label: string,
  title: string,
  style: 'primary' | 'secondary' | 'link',
): HTMLElement {
  const b = el('button', `button ${style}`);
  b.dataset.action = action;
  b.dataset.id = id;
  if (title) b.title = title;
  b.append(el('span', `codicon codicon-${icon}`), el('span', 'label', label));
  return b;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
