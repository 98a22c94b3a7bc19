import { parseQuestion } from '../../src/shared/questions/parseQuestion';
import type { Language, QuestionText } from '../../src/shared/questions/types';

/** Front matter of a valid question; tests replace single lines to break one thing at a time. */
export function frontMatter(id = 'why-scale', language: Language = 'en'): string {
  const zh = language === 'zh-cn';
  return `id: ${id}
topic: attention
order: 1
title: ${zh ? '为什么要除以 √d_k?' : 'Why divide by √d_k?'}
terms:
  - ${zh ? '缩放点积注意力' : 'scaled dot-product attention'}
summary: ${zh ? '方差会随 d_k 增长。' : 'The variance grows with d_k.'}
related: []
demo: scale-sqrt-dk
sources:
  - "Vaswani et al. 2017, §3.2.1"
quiz:
  - id: variance
    kind: numeric
    prompt: "Variance of q·k for d_k = 64?"
    answer: 64
    tolerance: 0
    explain: "Each product has variance 1."
  - id: jacobian
    kind: single
    prompt: "What happens to the Jacobian?"
    choices: ["It vanishes", "It explodes", "Nothing"]
    answer: 0
    explain: "All of it goes to zero."
  - id: statements
    kind: multiple
    prompt: "Which are true?"
    choices: ["a", "b", "c"]
    answer: [0, 2]
    explain: "a and c."
  - id: ranking
    kind: truefalse
    prompt: "Scaling changes the ranking."
    answer: false
    explain: "Same constant for every logit."
  - id: live
    kind: model
    template: scale-entropy
    explain: "Entropy goes down."`;
}

export function body(language: Language = 'en'): string {
  return language === 'zh-cn'
    ? '## 回答\n\n方差是 $d_k$。\n\n## 深入\n\n$$\n\\operatorname{Var}(q \\cdot k) = d_k\n$$\n\n## 常见误区\n\n- 不是为了防止溢出。\n'
    : '## Answer\n\nThe variance is $d_k$.\n\n## Deeper\n\n$$\n\\operatorname{Var}(q \\cdot k) = d_k\n$$\n\n## Pitfalls\n\n- It is not about overflow.\n';
}

export function questionFile(fm = frontMatter(), text = body()): string {
  return `---\n${fm}\n---\n\n${text}`;
}

export function path(id = 'why-scale', language: Language = 'en'): string {
  return `questions/${language}/${id}.md`;
}

/** Parses a file that must be valid. */
export function parsed(id = 'why-scale', language: Language = 'en', edit: (fm: string) => string = (fm) => fm): QuestionText {
  const result = parseQuestion({ path: path(id, language), language, text: questionFile(edit(frontMatter(id, language)), body(language)) });
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.line}: ${p.message}`).join('\n'));
  return result.question;
}
