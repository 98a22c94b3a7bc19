import { readFile } from 'node:fs/promises';
import * as l10n from '@vscode/l10n';
import { bpeSteps } from '../../shared/labs/labMath';
import type { LabBlock } from '../../shared/labs/labTypes';
import { preTokenize } from '../../shared/tokenAlignment';
import type { LabInput } from './labInput';

const t = l10n.t;
let ranks: Promise<Map<string, number>> | undefined;

/** The BPE pieces learned on the same corpus, in merge order (models/tiny-bert/bpe_pieces.json). */
function loadRanks(path: string): Promise<Map<string, number>> {
  ranks ??= readFile(path, 'utf8').then((s) => new Map((JSON.parse(s).pieces as string[]).map((p, i) => [p, i])));
  return ranks;
}

/** The user's words split by the project's WordPiece, and by BPE merges learned on the same corpus. */
export async function wordpieceLab(input: LabInput, text: string, piecesPath: string): Promise<LabBlock[]> {
  const rank = await loadRanks(piecesPath);
  const seen = new Set<string>();
  const words = preTokenize(text)
    .map((w) => String.fromCodePoint(...w.chars.map((c) => c.cp)))
    .filter((w) => w.length > 1 && !seen.has(w) && (seen.add(w), true))
    .sort((a, b) => input.core.tokenize(b).tokens.length - input.core.tokenize(a).tokens.length)
    .slice(0, 16);
  const rows = words.map((word) => ({
    word,
    wordpiece: input.core.tokenize(word).tokens.map((x) => x.text),
    // sentencepiece-style BPE marks the start of a word with ▁ instead of marking continuations
    bpeSteps: bpeSteps('\u2581' + word, rank),
  }));
  const split = rows.filter((r) => r.wordpiece.length > 1).length;
  return [
    {
      kind: 'claim',
      text: t(
        'WordPiece keeps a vocabulary and splits a word greedily into its longest known pieces (continuations start with ##); BPE builds a word up from characters by replaying learned merges in order.',
      ),
    },
    { kind: 'pieces', rows },
    { kind: 'metrics', items: [{ label: t('Words of your text split into more than one WordPiece'), value: `${split} / ${rows.length}` }] },
    {
      kind: 'note',
      text: t(
        'Both vocabularies were learned by this project from the same offline corpus (the WordPiece vocabulary was derived from these BPE pieces), so differences come from the two splitting rules, not from different data.',
      ),
    },
  ];
}
