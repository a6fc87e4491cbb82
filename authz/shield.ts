import { Kind, parse } from 'graphql';
import type { IMiddlewareGenerator } from 'graphql-middleware';
import { allow, deny, rule, shield } from 'graphql-shield';
import { ERRORS } from '../kernel/errors.js';
import type { Logger } from '../kernel/log.js';
import { buildAnnotationIndex } from './annotations.js';
import type { AuditLog } from './audit.js';
import type { PolicyStore } from './policy.js';
import { mayRead } from './scope.js';
import type { DrillLevel, Viewer } from './viewer.js';

/** A graphql-shield rule or logic rule (the package exports the constructors but not these types). */
type Rule = ReturnType<ReturnType<typeof rule>> | typeof allow;

/**
 * Defense in depth in every subgraph: graphql-shield rules generated from the subgraph SDL's own
 * @drill/@action annotations, checked against `ctx.viewer` (resolved from the gateway-signed
 * identity with the same policy). Rules sit on types and fields, not only on root fields, because
 * `_entities` lookups reach entity fields without passing any root field rule. Mutation fields check
 * that SOME role grants the action; whether it may act on this object is the resolver's check
 * (authz/scope.ts canAct). Everything not annotated is denied.
 */
export function createShield(
  subgraphSdl: string,
  policy: PolicyStore,
  options: { log?: Logger; audit?: AuditLog; subgraph?: string } = {},
): IMiddlewareGenerator<unknown, unknown, unknown> {
  const doc = parse(subgraphSdl);
  const index = buildAnnotationIndex(doc);
  const at = options.subgraph ?? 'subgraph';

  function decide(ctx: unknown, field: string, needs: DrillLevel, action: string | undefined): true | Error {
    const viewer = (ctx as { viewer?: Viewer } | null)?.viewer;
    if (!viewer) return ERRORS.UNAUTHENTICATED.err('Unauthenticated: no verified identity reached this subgraph');
    const lacksLevel = !mayRead(viewer, needs);
    const lacksAction = action !== undefined && !viewer.actions.includes(action);
    if (!lacksLevel && !lacksAction) return true;
    const reason = lacksAction ? `needs the action ${action}` : `needs drill level ${needs}`;
    // A dry run is audited once, by the gateway, which lets every field it would deny through to here.
    if (policy.current().dryRun) {
      options.log?.info('authz dry run: field would be denied', { field, reason });
      return true;
    }
    options.audit?.record({
      who: viewer.id,
      roles: viewer.roles,
      kind: action !== undefined ? 'action' : 'denial',
      field,
      action,
      needs: lacksLevel ? needs : undefined,
      result: 'denied',
      at,
    });
    return viewer.anonymous
      ? ERRORS.UNAUTHENTICATED.err(`Unauthenticated: ${field} ${reason}`)
      : ERRORS.FORBIDDEN.err(`Forbidden: ${field} ${reason}`);
  }

  // One rule per field: 'contextual' caches each decision once per request, keyed by the rule name.
  const fieldRule = (field: string, needs: DrillLevel, action?: string): Rule =>
    rule(`drill:${field}`, { cache: 'contextual' })((_parent, _args, ctx) => decide(ctx, field, needs, action));

  const rules: Record<string, Record<string, Rule>> = {};
  let hasEntities = false;
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const typeName = def.name.value;
    if (def.directives?.some((d) => d.name.value === 'key')) hasEntities = true;
    const map = (rules[typeName] ??= {});
    const typeLevel = index.typeLevel(typeName);
    if (typeLevel) map['*'] = fieldRule(`${typeName}.*`, typeLevel);
    for (const field of def.fields ?? []) {
      const name = field.name.value;
      const key = `${typeName}.${name}`;
      if (!index.fields.has(key)) continue; // unannotated (e.g. @external): the fallback denies it
      map[name] = fieldRule(key, index.levelOf(typeName, name), typeName === 'Mutation' ? index.actionOf(name) : undefined);
    }
  }
  // Federation plumbing the gateway needs; entity fields stay guarded by their type and field rules.
  const query = (rules['Query'] ??= {});
  query['_service'] = allow;
  if (hasEntities) query['_entities'] = allow;
  rules['_Service'] = { sdl: allow };

  return shield(rules, {
    fallbackRule: deny,
    allowExternalErrors: true,
    fallbackError: ERRORS.FORBIDDEN.err('Forbidden'),
  });
}
