import * as vscode from 'vscode';

/**
 * One step of a multi-step quick input (after vscode-extension-samples' quickinput-sample
 * multiStepInput): a title with a step counter, a Back button from the second step on, a Skip
 * button where skipping is allowed, and Escape to stop.
 */
export type StepOutcome<T> = { type: 'value'; value: T } | { type: 'back' } | { type: 'skip' } | { type: 'cancel' };

export interface StepChrome {
  title: string;
  step?: number;
  totalSteps?: number;
  canGoBack: boolean;
  canSkip: boolean;
}

/** A row; one without `value` is text (a prompt or explanation line) and accepting it does nothing. */
export interface Row<T> extends vscode.QuickPickItem {
  value?: T;
}

/** Lets the caller (and the integration tests) see each input as it is shown. */
export type StepObserver = (input: vscode.QuickPick<Row<unknown>> | vscode.InputBox) => void;

export function skipButton(): vscode.QuickInputButton {
  return { iconPath: new vscode.ThemeIcon('debug-step-over'), tooltip: vscode.l10n.t('Skip this question') };
}

function dress(
  input: vscode.QuickInput & { buttons: readonly vscode.QuickInputButton[] },
  chrome: StepChrome,
  skip: vscode.QuickInputButton,
): void {
  input.title = chrome.title;
  input.step = chrome.step;
  input.totalSteps = chrome.totalSteps;
  // the quiz stays open while the person glances at the editor or opens the question beside it
  input.ignoreFocusOut = true;
  input.buttons = [...(chrome.canGoBack ? [vscode.QuickInputButtons.Back] : []), ...(chrome.canSkip ? [skip] : [])];
}

export interface PickOptions<T> {
  chrome: StepChrome;
  rows: Row<T>[];
  placeholder: string;
  /**
   * The row Enter accepts when the step opens. Without one nothing is chosen for the person: VS Code
   * focuses the first row, which for a question is its inert prompt, so Enter alone answers nothing.
   */
  active?: Row<T>;
  /** return true to keep the step open (e.g. after toggling a choice); rows are then re-read from `pick` */
  onAccept?: (row: Row<T>, pick: vscode.QuickPick<Row<T>>) => boolean;
  observe?: StepObserver;
}

export function pickStep<T>(o: PickOptions<T>): Promise<StepOutcome<T>> {
  const pick = vscode.window.createQuickPick<Row<T>>();
  const skip = skipButton();
  dress(pick, o.chrome, skip);
  pick.placeholder = o.placeholder;
  pick.matchOnDetail = true;
  pick.items = o.rows;
  if (o.active) pick.activeItems = [o.active];
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: StepOutcome<T>) => {
      if (done) return;
      done = true;
      resolve(r);
      pick.dispose();
    };
    pick.onDidTriggerButton((b) =>
      finish(b === vscode.QuickInputButtons.Back ? { type: 'back' } : b === skip ? { type: 'skip' } : { type: 'cancel' }),
    );
    pick.onDidAccept(() => {
      const row = pick.activeItems[0];
      if (!row || row.value === undefined) return;
      if (o.onAccept?.(row, pick)) return;
      finish({ type: 'value', value: row.value });
    });
    pick.onDidHide(() => finish({ type: 'cancel' }));
    pick.show();
    o.observe?.(pick as vscode.QuickPick<Row<unknown>>);
  });
}

export interface TextOptions {
  chrome: StepChrome;
  prompt: string;
  placeholder: string;
  /** an error message, or undefined when the value is acceptable */
  validate: (value: string) => string | undefined;
  observe?: StepObserver;
}

export function textStep(o: TextOptions): Promise<StepOutcome<string>> {
  const box = vscode.window.createInputBox();
  const skip = skipButton();
  dress(box, o.chrome, skip);
  box.prompt = o.prompt;
  box.placeholder = o.placeholder;
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: StepOutcome<string>) => {
      if (done) return;
      done = true;
      resolve(r);
      box.dispose();
    };
    box.onDidTriggerButton((b) =>
      finish(b === vscode.QuickInputButtons.Back ? { type: 'back' } : b === skip ? { type: 'skip' } : { type: 'cancel' }),
    );
    box.onDidChangeValue((v) => (box.validationMessage = v.trim() ? o.validate(v) : undefined));
    box.onDidAccept(() => {
      const why = o.validate(box.value);
      box.validationMessage = why;
      if (!why) finish({ type: 'value', value: box.value });
    });
    box.onDidHide(() => finish({ type: 'cancel' }));
    box.show();
    o.observe?.(box);
  });
}
