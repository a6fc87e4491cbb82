import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
} from 'graphql';
import { buildAnnotationIndex, type AnnotationIndex } from '../authz/annotations.js';
import { SUPERGRAPH_PATH } from '../schema/subgraphs.js';
import { printPublicSchema } from './public-schema.js';

/**
 * docs/reference.md: every type and field a client can use (the client-facing schema), with the drill
 * level it needs and, for mutations, the action: read from the supergraph's @drill and @action, the
 * annotations the gateway enforces. `npm run compose` and `npm run docs:reference` write it; `npm test`
 * fails when it is stale.
 */
export const REFERENCE_PATH = fileURLToPath(new URL('../docs/reference.md', import.meta.url));

/** One line of a Markdown table cell: no line breaks, pipes escaped, `<connector>` not read as HTML. */
const cell = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;').trim();

function fieldRows(type: GraphQLObjectType | GraphQLInterfaceType, index: AnnotationIndex) {
  const mutation = type.name === 'Mutation';
  const head = mutation
    ? '| field | returns | drill level | action | description |\n| --- | --- | --- | --- | --- |'
    : '| field | returns | drill level | description |\n| --- | --- | --- | --- |';
  const rows = Object.values(type.getFields()).map((field) => {
    const args = field.args.length > 0 ? `(${field.args.map((a) => `${a.name}: ${String(a.type)}`).join(', ')})` : '';
    const level = `\`${index.levelOf(type.name, field.name)}\``;
    const action = mutation ? ` \`${index.actionOf(field.name) ?? 'none'}\` |` : '';
    return `| \`${field.name}${args}\` | \`${String(field.type)}\` | ${level} |${action} ${cell(field.description)} |`;
  });
  return [head, ...rows].join('\n');
}

export async function printReference(supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8')): Promise<string> {
  const schema = buildSchema(await printPublicSchema(supergraphSdl));
  const index = buildAnnotationIndex(supergraphSdl);
  const roots = ['Query', 'Mutation'];
  const named = Object.values(schema.getTypeMap())
    .filter((t) => !t.name.startsWith('__') && !roots.includes(t.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const out = [
    '# API reference',
    '',
    'Generated from the SDL by `npm run docs:reference` (scripts/docs-reference.ts); do not edit. The schema a',
    'client sees is `schema/public.graphql`, which `npm run codegen` prints.',
    '',
    'A viewer reads a field when the drill level of its role is at least the one given here:',
    '`BUSINESS` < `SERVICE` < `COMPONENT` < `TELEMETRY`. A field it may not read answers `null` with a',
    '`FORBIDDEN` error at its path (`extensions.requiredLevel` names the level), even where the schema',
    "says non-null, so a client that asks only for what the viewer's level allows (`viewer { drillLevel }`,",
    'then `@include(if: …)`) never meets one. A mutation also needs its action; without it the whole',
    "operation is refused before anything runs. Which objects a viewer sees (its scope) is the policy's",
    "business, not the schema's: a service out of scope does not exist for it.",
    '',
  ];
  for (const root of roots) {
    const type = schema.getType(root);
    if (isObjectType(type)) out.push(`## ${root}`, '', fieldRows(type, index), '');
  }
  out.push('## Types', '');
  for (const type of named) {
    if (isObjectType(type) || isInterfaceType(type)) {
      const level = index.typeLevel(type.name);
      const kind = isInterfaceType(type) ? 'interface ' : '';
      out.push(`### ${kind}${type.name}${level ? ` (\`${level}\`)` : ''}`, '');
      if (type.description) out.push(cell(type.description), '');
      if (isInterfaceType(type))
        out.push(
          `Implemented by ${schema
            .getPossibleTypes(type)
            .map((t) => `\`${t.name}\``)
            .join(', ')}.`,
          '',
        );
      out.push(fieldRows(type, index), '');
    } else if (isEnumType(type)) {
      out.push(`### enum ${type.name}`, '');
      if (type.description) out.push(cell(type.description), '');
      out.push(
        type
          .getValues()
          .map((v) => `\`${v.name}\`${v.description ? ` (${cell(v.description)})` : ''}`)
          .join(', '),
        '',
      );
    } else if (isInputObjectType(type)) {
      out.push(`### input ${type.name}`, '');
      if (type.description) out.push(cell(type.description), '');
      out.push('| field | type | description |', '| --- | --- | --- |');
      for (const f of Object.values(type.getFields())) {
        const fallback = f.defaultValue !== undefined ? ` (default \`${JSON.stringify(f.defaultValue)}\`)` : '';
        out.push(`| \`${f.name}\` | \`${String(f.type)}\` | ${cell(f.description)}${fallback} |`);
      }
      out.push('');
    } else if (isScalarType(type) && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) {
      out.push(`### scalar ${type.name}`, '', cell(type.description), '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

// `npm run docs:reference` writes it; `-- --check` (in npm test) fails when it is stale.
if (import.meta.url === `file://${process.argv[1]}`) {
  const reference = await printReference();
  if (process.argv.includes('--check')) {
    if (readFileSync(REFERENCE_PATH, 'utf8') !== reference) {
      console.error('docs/reference.md is stale: run npm run docs:reference');
      process.exit(1);
    }
  } else {
    writeFileSync(REFERENCE_PATH, reference);
    console.log(`wrote ${REFERENCE_PATH}`);
  }
}
