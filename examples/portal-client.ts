/**
 * A portal's client of the servicegraph gateway, in a few lines: each operation typed by
 * graphql-codegen from schema/public.graphql (codegen.ts, `npm run codegen` writes examples/gql/),
 * sent with the viewer's token. Ask `viewer` first and send only what its drill level reads
 * (docs/reference.md lists the level of every field): a field above it answers null with FORBIDDEN.
 *
 *   SERVICEGRAPH_URL=http://localhost:4000/graphql \
 *   SERVICEGRAPH_TOKEN=$(npm run --silent token -- --role executive) npx tsx examples/portal-client.ts
 */
import { graphql } from './gql/index.js';
import type { TypedDocumentString } from './gql/graphql.js';

const viewerQuery = graphql(`
  query PortalViewer {
    viewer {
      id
      drillLevel
      actions
    }
  }
`);

const servicesQuery = graphql(`
  query PortalServices {
    services(first: 50) {
      nodes {
        id
        name
        status
        summary
        sla {
          timeToBreach {
            text
          }
        }
      }
    }
  }
`);

/** One operation; a GraphQL error (a tool down, a denied field) is thrown with its code. */
export async function request<R, V>(endpoint: string, token: string, document: TypedDocumentString<R, V>, variables: V): Promise<R> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const body = (await response.json()) as { data?: R; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length || !body.data) {
    throw new Error(body.errors?.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ') ?? `HTTP ${response.status}`);
  }
  return body.data;
}

/** Who the viewer is, and one line per service it may see. */
export async function serviceLines(endpoint: string, token: string): Promise<{ viewer: string; lines: string[] }> {
  const { viewer } = await request(endpoint, token, viewerQuery, {});
  const { services } = await request(endpoint, token, servicesQuery, {});
  const lines = services.nodes.map((s) => {
    const breach = s.sla?.timeToBreach ? ` (SLA breaks in ${s.sla.timeToBreach.text})` : '';
    return `${s.status.padEnd(8)} ${s.name}${breach}: ${s.summary}`;
  });
  return { viewer: `${viewer.id} reads at ${viewer.drillLevel}, may ${viewer.actions.join(', ') || 'take no action'}`, lines };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const endpoint = process.env['SERVICEGRAPH_URL'] ?? 'http://localhost:4000/graphql';
  const token = process.env['SERVICEGRAPH_TOKEN'];
  if (!token) throw new Error('set SERVICEGRAPH_TOKEN (npm run --silent token -- --role executive)');
  const { viewer, lines } = await serviceLines(endpoint, token);
  console.log([viewer, ...lines].join('\n'));
}
