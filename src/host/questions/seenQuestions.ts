import * as vscode from 'vscode';

/**
 * Which questions the learner has opened, kept in globalState (it follows the user, not the
 * workspace). Until the quiz feature supplies scores, this is all the questions view shows.
 */
export class SeenQuestions implements vscode.Disposable {
  static readonly KEY = 'transformerTutor.questions.seen';
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly memento: vscode.Memento) {}

  has(id: string): boolean {
    return this.ids().includes(id);
  }

  async add(id: string): Promise<void> {
    const ids = this.ids();
    if (ids.includes(id)) return;
    await this.memento.update(SeenQuestions.KEY, [...ids, id]);
    this.changed.fire();
  }

  private ids(): string[] {
    const stored = this.memento.get<unknown>(SeenQuestions.KEY, []);
    return Array.isArray(stored) ? stored.filter((x): x is string => typeof x === 'string') : [];
  }

  dispose(): void {
    this.changed.dispose();
  }
}
