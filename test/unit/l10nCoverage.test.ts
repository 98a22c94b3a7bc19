import * as assert from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

/**
 * Every string the extension host localises with `vscode.l10n.t` has a Simplified Chinese translation,
 * and every translation keeps the {0}, {1}, … placeholders of its English key.
 *
 * The sources are parsed with the TypeScript compiler, so string escapes (\' \" \\ \u2019 …) are decoded
 * exactly as at run time. Counted calls: `l10n.t('…')` / `vscode.l10n.t('…')`, `l10n.t({ message: '…', comment })`,
 * and calls of a local alias such as `const t = vscode.l10n.t;` or
 * `const t = (message: string) => vscode.l10n.t({ message, comment: ['…'] });` (its comment is part of the key).
 * A call of `t(…)` counts only where such an alias is in scope. Messages that are not string literals
 * (variables, templates with ${…}) cannot be checked here and are skipped.
 */
const ROOT = join(__dirname, '..', '..');
const HOST = join(ROOT, 'src', 'host');
const BUNDLE = 'l10n/bundle.l10n.zh-cn.json';

interface Use {
  file: string;
  line: number;
  key: string;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The text of a literal that has no substitutions, else undefined. */
function literalText(node: ts.Node | undefined): string | undefined {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) return node.text;
  return undefined;
}

/** `l10n.t` or `<anything>.l10n.t`. */
function isL10nT(node: ts.Expression): boolean {
  const expr = ts.isParenthesizedExpression(node) ? node.expression : node;
  if (!ts.isPropertyAccessExpression(expr) || expr.name.text !== 't') return false;
  const owner = expr.expression;
  return (ts.isIdentifier(owner) && owner.text === 'l10n') || (ts.isPropertyAccessExpression(owner) && owner.name.text === 'l10n');
}

/** The comment part of a key: a string, or an array of strings joined (as vscode.l10n does). Undefined when absent. */
function commentText(node: ts.Expression | undefined): string | undefined | null {
  if (!node) return undefined;
  const single = literalText(node);
  if (single !== undefined) return single;
  if (ts.isArrayLiteralExpression(node)) {
    const parts = node.elements.map((e) => literalText(e));
    return parts.every((p): p is string => p !== undefined) ? parts.join('') : null;
  }
  return null; // not a literal: unknown
}

function property(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return p.name;
  }
  return undefined;
}

/** How an alias of l10n.t builds its key: `{ comment }` (possibly undefined) or null when the value is no alias. */
type Alias = { comment: string | undefined } | null;

function aliasOf(init: ts.Expression | undefined): Alias {
  if (!init) return null;
  if (isL10nT(init)) return { comment: undefined };
  if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) {
    let found: Alias = null;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (ts.isCallExpression(n) && isL10nT(n.expression)) {
        const arg = n.arguments[0];
        if (arg && ts.isObjectLiteralExpression(arg)) {
          const comment = commentText(property(arg, 'comment'));
          found = { comment: comment ?? undefined };
        } else {
          found = { comment: undefined };
        }
        return;
      }
      ts.forEachChild(n, visit);
    };
    visit(init.body);
    return found;
  }
  return null;
}

/** The alias that `name` refers to at `node`, following block scopes outwards; null when it is no alias (or shadowed). */
function resolveAlias(node: ts.Node, name: string): Alias {
  for (let scope: ts.Node | undefined = node.parent; scope; scope = scope.parent) {
    if (ts.isFunctionLike(scope) && scope.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === name)) return null;
    const statements = ts.isSourceFile(scope) || ts.isBlock(scope) || ts.isModuleBlock(scope) ? scope.statements : undefined;
    for (const statement of statements ?? []) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const decl of statement.declarationList.declarations) {
        if (ts.isIdentifier(decl.name) && decl.name.text === name) return aliasOf(decl.initializer);
        // const { t } = vscode.l10n;
        if (ts.isObjectBindingPattern(decl.name) && decl.initializer) {
          for (const el of decl.name.elements) {
            const local = ts.isIdentifier(el.name) ? el.name.text : undefined;
            const imported = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : local;
            const init = decl.initializer;
            const fromL10n =
              (ts.isIdentifier(init) && init.text === 'l10n') || (ts.isPropertyAccessExpression(init) && init.name.text === 'l10n');
            if (local === name && imported === 't' && fromL10n) return { comment: undefined };
          }
        }
      }
    }
  }
  return null;
}

function keyFor(message: string, comment: string | undefined): string {
  return comment ? `${message}/${comment}` : message;
}

function collectUses(path: string): Use[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const file = relative(ROOT, path).split('\\').join('/');
  const uses: Use[] = [];
  const add = (node: ts.Node, key: string) =>
    uses.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, key });
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const arg = node.arguments[0];
      if (isL10nT(node.expression)) {
        const message = literalText(arg);
        if (message !== undefined) add(node, message);
        else if (arg && ts.isObjectLiteralExpression(arg)) {
          const objMessage = literalText(property(arg, 'message'));
          const comment = commentText(property(arg, 'comment'));
          if (objMessage !== undefined && comment !== null) add(node, keyFor(objMessage, comment));
        }
      } else if (ts.isIdentifier(node.expression)) {
        const message = literalText(arg);
        if (message !== undefined) {
          const alias = resolveAlias(node, node.expression.text);
          if (alias) add(node, keyFor(message, alias.comment));
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

const placeholders = (s: string) => [...new Set([...s.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);

suite('l10n coverage: Chinese translations for all of src/host', () => {
  const bundle = JSON.parse(readFileSync(join(ROOT, BUNDLE), 'utf8')) as Record<string, string>;
  const uses = tsFiles(HOST).flatMap(collectUses);

  test('the scanner finds the localised strings (escapes decoded, aliases followed)', () => {
    assert.ok(uses.length >= 300, `found only ${uses.length} l10n.t strings in src/host: is the scanner still right?`);
    const files = new Set(uses.map((u) => u.file.split('/').slice(0, 3).join('/')));
    for (const folder of ['src/host/attention', 'src/host/labs', 'src/host/questions', 'src/host/quiz']) {
      assert.ok(files.has(folder), `no strings found under ${folder}`);
    }
  });

  test(`every vscode.l10n.t string in src/host has a key in ${BUNDLE}`, () => {
    const missing = [
      ...new Map(uses.filter((u) => !(u.key in bundle)).map((u) => [u.key, `${u.file}:${u.line}: ${JSON.stringify(u.key)}`])).values(),
    ];
    assert.deepStrictEqual(missing, [], `${missing.length} string(s) without a Chinese translation:\n${missing.join('\n')}`);
  });

  test('every translation is a non-empty string', () => {
    const empty = Object.entries(bundle)
      .filter(([, zh]) => typeof zh !== 'string' || zh.trim() === '')
      .map(([en]) => en);
    assert.deepStrictEqual(empty, []);
  });

  test('every translation keeps the {N} placeholders of its English key', () => {
    const wrong = Object.entries(bundle)
      .filter(([en, zh]) => placeholders(en).join() !== placeholders(String(zh)).join())
      .map(
        ([en, zh]) =>
          `${JSON.stringify(en)} {${placeholders(en).join(',')}} → ${JSON.stringify(zh)} {${placeholders(String(zh)).join(',')}}`,
      );
    assert.deepStrictEqual(wrong, [], `placeholders differ:\n${wrong.join('\n')}`);
  });
});
