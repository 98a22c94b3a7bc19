import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildBank } from '../../shared/questions/bank';
import { type ModelFacts, readModelFacts } from '../../shared/questions/modelFacts';
import { parseQuestionFile } from '../../shared/questions/parseQuestion';
import { type BankProblem, LANGUAGES, type Language, type QuestionBank, type QuestionText } from '../../shared/questions/types';

/** A folder laid out like the built-in `questions/`: `en/<id>.md` and `zh-cn/<id>.md`. */
export interface QuestionFolder {
  uri: vscode.Uri;
  /** the built-in folder must have both languages; an extra one may have either */
  builtIn: boolean;
}

/**
 * The setting `transformerTutor.questions.extraFolders`, checked: each entry an absolute path
 * (`~` allowed). A wrong entry becomes a problem naming the setting, not an exception.
 */
export function resolveExtraFolders(entries: readonly unknown[]): { folders: QuestionFolder[]; problems: BankProblem[] } {
  const folders: QuestionFolder[] = [];
  const problems: BankProblem[] = [];
  const setting = 'transformerTutor.questions.extraFolders';
  for (const entry of entries) {
    if (typeof entry !== 'string' || !entry.trim()) {
      problems.push({ path: setting, message: `ignored ${JSON.stringify(entry)}: each entry must be a folder path` });
      continue;
    }
    const expanded = entry.trim().replace(/^~(?=$|[\\/])/, os.homedir());
    if (!path.isAbsolute(expanded)) problems.push({ path: setting, message: `ignored "${entry}": use an absolute path` });
    else folders.push({ uri: vscode.Uri.file(expanded), builtIn: false });
  }
  return { folders, problems };
}

/**
 * The facts question text may name as `{{model.…}}`, from the bundled model's config.json and
 * MODEL_CARD.md. A file that cannot be read leaves its facts missing; the placeholders that need
 * them are reported when the bank loads.
 */
export async function readBundledModelFacts(extensionUri: vscode.Uri): Promise<ModelFacts> {
  const dir = vscode.Uri.joinPath(extensionUri, 'models', 'tiny-bert');
  const read = async (name: string) => {
    try {
      return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, name)));
    } catch {
      return undefined;
    }
  };
  const [configText, card] = await Promise.all([read('config.json'), read('MODEL_CARD.md')]);
  let config: unknown;
  try {
    config = configText === undefined ? undefined : JSON.parse(configText);
  } catch {
    config = undefined;
  }
  return readModelFacts(config, card, { config: vscode.Uri.joinPath(dir, 'config.json').fsPath, card: vscode.Uri.joinPath(dir, 'MODEL_CARD.md').fsPath });
}

/** Reads and parses every question file of the folders, then builds the bank with all problems. */
export async function loadBank(folders: readonly QuestionFolder[], facts: ModelFacts, earlierProblems: readonly BankProblem[] = []): Promise<QuestionBank> {
  const problems = [...earlierProblems];
  const texts: QuestionText[] = [];
  for (const folder of folders) {
    const files = await listQuestionFiles(folder, problems);
    const parsed = await Promise.all(files.map(({ uri, language }) => readAndParse(uri, language, facts)));
    for (const result of parsed) {
      if (result.question) texts.push(result.question);
      problems.push(...result.problems);
    }
  }
  return buildBank(texts, problems);
}

async function listQuestionFiles(folder: QuestionFolder, problems: BankProblem[]): Promise<{ uri: vscode.Uri; language: Language }[]> {
  const files: { uri: vscode.Uri; language: Language }[] = [];
  const missing: Language[] = [];
  for (const language of LANGUAGES) {
    const dir = vscode.Uri.joinPath(folder.uri, language);
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(dir);
    } catch {
      missing.push(language);
      continue;
    }
    for (const [name, type] of entries.sort(([a], [b]) => a.localeCompare(b))) {
      if (type === vscode.FileType.File && name.endsWith('.md')) files.push({ uri: vscode.Uri.joinPath(dir, name), language });
    }
  }
  const where = folder.uri.fsPath;
  if (folder.builtIn && missing.length) problems.push({ path: where, message: `the built-in question folder lacks ${missing.join(' and ')}/` });
  if (!folder.builtIn && missing.length === LANGUAGES.length) {
    problems.push({ path: where, message: `no question files: the folder must exist and hold ${LANGUAGES.map((l) => `${l}/<id>.md`).join(' or ')}` });
  }
  return files;
}

async function readAndParse(uri: vscode.Uri, language: Language, facts: ModelFacts): Promise<{ question?: QuestionText; problems: BankProblem[] }> {
  try {
    const text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
    return parseQuestionFile({ path: uri.fsPath, language, text }, facts);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { problems: [{ path: uri.fsPath, message: `could not read the file: ${why}` }] };
  }
}
