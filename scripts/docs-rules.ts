import { readFileSync, writeFileSync } from 'node:fs';
import { type RuleKindInfo, ruleKinds } from '../bsm/engine/rules.js';

/**
 * Writes the rule-kind tables from the kinds' own definitions (bsm/engine/kinds, maps) into
 * README.md (section "Service health") and docs/health.md, between their markers, so the docs
 * cannot describe a kind the engine does not have or a parameter it does not check.
 */

function between(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`no ${name} markers`);
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The line of the example that shows the kind itself: `map: { increase: 1 }`, `{ kind: threshold, … }`. */
function exampleLine(k: RuleKindInfo): string {
  const lines = k.example.split('\n').map((l) => l.trim().replace(/^- /, ''));
  const own = lines.find((l) => (k.target === 'NODE' ? l.includes(`kind: ${k.name}`) : l.startsWith('map:')));
  return `\`${own ?? lines[lines.length - 1]}\``;
}

function parameters(k: RuleKindInfo): string {
  if (k.parameters.length === 0) return '';
  return k.parameters.map((p) => `\`${p.name}\` (${p.type}${p.required ? '' : ', optional'}): ${cell(p.description)}`).join('<br>');
}

/** README: one line per kind. */
export function ruleKindTable(): string {
  const rows = ruleKinds.map(
    (k) => `| \`${k.name}\` | ${k.target === 'EDGE' ? 'edge' : 'node'} | ${cell(k.description)} | ${exampleLine(k)} |`,
  );
  return ['| rule | on | what it does | example |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** docs/health.md: every parameter, and when a node under each rule entered its status. */
export function ruleKindReference(): string {
  const maps = ruleKinds.filter((k) => k.target === 'EDGE');
  const rules = ruleKinds.filter((k) => k.target === 'NODE');
  return [
    '### Edge maps (per child: how its status counts for the parent)',
    '',
    '| kind | parameters | effect | example |',
    '| --- | --- | --- | --- |',
    ...maps.map((k) => `| \`${k.name}\` | ${parameters(k)} | ${cell(k.description)} | ${exampleLine(k)} |`),
    '',
    '### Reduce rules (per node: how the children’s statuses become its own)',
    '',
    '| kind | parameters | what it gives | down since | example |',
    '| --- | --- | --- | --- | --- |',
    ...rules.map((k) => `| \`${k.name}\` | ${parameters(k)} | ${cell(k.description)} | ${cell(k.since ?? '')} | ${exampleLine(k)} |`),
  ].join('\n');
}

export const withRuleTables = (readme: string) => between(readme, 'rule-kinds', ruleKindTable());
export const withRuleReference = (doc: string) => between(doc, 'rule-reference', ruleKindReference());

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [path, write] of [
    ['../README.md', withRuleTables],
    ['../docs/health.md', withRuleReference],
  ] as const) {
    const file = new URL(path, import.meta.url);
    writeFileSync(file, write(readFileSync(file, 'utf8')));
  }
  console.log('rule-kind tables updated in README.md and docs/health.md');
}
