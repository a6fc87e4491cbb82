import { type RuleKindInfo, ruleKinds } from '../bsm/engine/rules.js';
import { betweenMarkers, rewriteFile } from './markers.js';

/**
 * Writes the rule-kind tables from the kinds' own definitions (bsm/engine/kinds, maps) into
 * README.md (section "Service health") and docs/health.md, between their markers, so the docs
 * cannot describe a kind the engine does not have or a parameter it does not check.
 */

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

export const withRuleTables = (readme: string) => betweenMarkers(readme, 'rule-kinds', ruleKindTable());
export const withRuleReference = (doc: string) => betweenMarkers(doc, 'rule-reference', ruleKindReference());

if (import.meta.url === `file://${process.argv[1]}`) {
  rewriteFile('../README.md', withRuleTables);
  rewriteFile('../docs/health.md', withRuleReference);
  console.log('rule-kind tables updated in README.md and docs/health.md');
}
