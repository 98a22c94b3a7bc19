import { factNames, type FactValue, type ModelFacts } from './modelFacts';

/**
 * Fills `{{ … }}` placeholders in a question file with facts about the bundled model, before the
 * file is parsed, so a placeholder works anywhere: prose, formulas, quiz prompts, numeric answers.
 *
 * Syntax (questions/README.md): `{{model.num_layers}}` is a fact; `{{model.hidden_size ^ 2}}` is
 * arithmetic on facts (+ − * / ^, parentheses, sqrt(), ln(), log2(), exp()); `{{sqrt(model.head_size) | 2}}`
 * shows two decimals. A computed value that is not a whole number must say how many decimals to show.
 */
export interface PlaceholderProblem {
  /** 1-based line in the text */
  line: number;
  message: string;
}

const PLACEHOLDER = /\{\{([^{}\n]*)\}\}/g;
const FUNCTIONS: Record<string, (x: number) => number> = { sqrt: Math.sqrt, ln: Math.log, log2: Math.log2, exp: Math.exp };

/**
 * A numeric answer written as a quoted placeholder, `answer: "{{model.hidden_size ^ 2}}"`, keeps the
 * file valid YAML for other tools; once filled it loses its quotes, so the answer is a number.
 */
const QUOTED_NUMBER = /^(\s*(?:answer|tolerance):\s*)"(\{\{[^{}\n]*\}\})"(\s*)$/gm;

export function fillPlaceholders(text: string, facts: ModelFacts): { text: string; problems: PlaceholderProblem[] } {
  const problems: PlaceholderProblem[] = [];
  const unquoted = text.replace(QUOTED_NUMBER, (whole, key: string, placeholder: string, rest: string) => {
    const value = evaluatePlaceholder(placeholder.slice(2, -2), facts);
    return typeof value === 'string' && /^-?\d/.test(value) ? `${key}${placeholder}${rest}` : whole;
  });
  const filled = unquoted.replace(PLACEHOLDER, (whole, inner: string, offset: number) => {
    const result = evaluatePlaceholder(inner, facts);
    if (typeof result === 'string') return result;
    problems.push({ line: unquoted.slice(0, offset).split('\n').length, message: `placeholder ${whole}: ${result.problem}` });
    return whole;
  });
  return { text: filled, problems };
}

/** Every placeholder in a text, as written (for tests and tooling). */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[0]);
}

/** The text a placeholder's inside stands for, or why it cannot be filled in. */
export function evaluatePlaceholder(inner: string, facts: ModelFacts): string | { problem: string } {
  const [expression, format, ...extra] = inner.split('|').map((s) => s.trim());
  if (extra.length) return { problem: 'has more than one "|"' };
  let decimals: number | undefined;
  if (format !== undefined) {
    if (!/^\d$/.test(format)) return { problem: `"| ${format}" must be a number of decimals from 0 to 9, as in "| 2"` };
    decimals = Number(format);
  }
  if (!expression) return { problem: 'is empty; write a fact such as {{model.num_layers}}' };
  let value: FactValue;
  try {
    value = new Expression(expression, facts).evaluate();
  } catch (err) {
    return { problem: (err as Error).message };
  }
  if (typeof value === 'string') return decimals === undefined ? value : { problem: `${expression} is the word "${value}", which has no decimals` };
  if (!Number.isFinite(value)) return { problem: `${expression} is not a finite number` };
  if (decimals !== undefined) return value.toFixed(decimals);
  const whole = Math.round(value);
  if (Math.abs(value - whole) < 1e-9 * Math.max(1, Math.abs(value))) return String(whole);
  if (new Expression(expression, facts).isBareFact) return String(value);
  return { problem: `${expression} is ${value}, not a whole number: say how many decimals to show, as in {{${expression} | 2}}` };
}

/** A small recursive-descent reader of the arithmetic; it throws an Error whose message is shown to the writer. */
class Expression {
  private readonly tokens: string[];
  private at = 0;

  constructor(
    private readonly source: string,
    private readonly facts: ModelFacts,
  ) {
    this.tokens = source.match(/\d+(?:\.\d+)?(?:e-?\d+)?|[A-Za-z_][\w.]*|\S/g) ?? [];
  }

  get isBareFact(): boolean {
    return this.tokens.length === 1 && /^[A-Za-z_]/.test(this.tokens[0]);
  }

  evaluate(): FactValue {
    if (this.isBareFact) return this.fact(this.tokens[0]);
    const value = this.sum();
    if (this.at < this.tokens.length) throw new Error(`unexpected "${this.tokens[this.at]}" in ${this.source}`);
    return value;
  }

  private sum(): number {
    let value = this.product();
    while (this.peek() === '+' || this.peek() === '-') value = this.next() === '+' ? value + this.product() : value - this.product();
    return value;
  }

  private product(): number {
    let value = this.power();
    while (this.peek() === '*' || this.peek() === '/') value = this.next() === '*' ? value * this.power() : value / this.power();
    return value;
  }

  private power(): number {
    const base = this.unary();
    return this.peek() === '^' ? (this.next(), base ** this.power()) : base;
  }

  private unary(): number {
    if (this.peek() === '-') return this.next(), -this.unary();
    return this.atom();
  }

  private atom(): number {
    const token = this.next();
    if (token === undefined) throw new Error(`${this.source} ends too early`);
    if (token === '(') return this.closed(this.sum());
    if (/^\d/.test(token)) return Number(token);
    if (/^[A-Za-z_]/.test(token)) {
      const fn = FUNCTIONS[token];
      if (fn) {
        if (this.next() !== '(') throw new Error(`${token} needs parentheses, as in ${token}(model.head_size)`);
        return fn(this.closed(this.sum()));
      }
      const value = this.fact(token);
      if (typeof value === 'string') throw new Error(`${token} is the word "${value}" and cannot be used in arithmetic`);
      return value;
    }
    throw new Error(`unexpected "${token}" in ${this.source}`);
  }

  private closed(value: number): number {
    if (this.next() !== ')') throw new Error(`a "(" is not closed in ${this.source}`);
    return value;
  }

  private fact(name: string): FactValue {
    const value = this.facts.values.get(name);
    if (value !== undefined) return value;
    const why = this.facts.missing.get(name);
    if (why) throw new Error(`${name} is not available: ${why}`);
    throw new Error(`unknown fact "${name}"; the facts are ${factNames(this.facts).join(', ')}`);
  }

  private peek(): string | undefined {
    return this.tokens[this.at];
  }

  private next(): string | undefined {
    return this.tokens[this.at++];
  }
}
