import type { JSX } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { atLeast, OPERATION_LEVELS, type Operation } from './drill';
import { graphql } from './gql';
import { execute, TokenRefused } from './graphql';
import { href, useRoute } from './route';
import {
  type BoardSettings,
  forgetToken,
  type Session,
  SessionProvider,
  useSession,
  storedToken,
  storeToken,
  tokenFromFragment,
  type Viewer,
} from './session';
import { BusinessImpact } from './views/BusinessImpact';
import { Catalog } from './views/Catalog';
import { Costs } from './views/Costs';
import { MyServices } from './views/MyServices';
import { Operations } from './views/Operations';
import { ServiceDetail } from './views/ServiceDetail';
import { SignIn } from './views/SignIn';
import { Ticket, Tickets } from './views/Tickets';
import { WhatIf } from './views/WhatIf';

const viewerQuery = graphql(`
  query Viewer {
    viewer {
      id
      roles
      groups
      drillLevel
      actions
    }
  }
`);

/**
 * Every view: its address, the operation it opens with and how it is drawn; those with a label are
 * in the navigation, for a viewer whose drill level reads that operation (drill.ts, held to the SDL
 * by test/board-operations.test.ts), never by role name.
 */
const VIEWS: { path: string; label?: string; opens: Operation; render(id: string): JSX.Element }[] = [
  { path: 'my', label: 'My services', opens: 'MyServices', render: () => <MyServices /> },
  { path: 'impact', label: 'Business impact', opens: 'BusinessImpact', render: () => <BusinessImpact /> },
  { path: 'costs', label: 'Costs', opens: 'Costs', render: () => <Costs /> },
  { path: 'catalog', label: 'Catalogue', opens: 'Catalog', render: () => <Catalog /> },
  { path: 'operations', label: 'Operations', opens: 'Outages', render: () => <Operations /> },
  { path: 'whatif', label: 'What if', opens: 'WhatIf', render: (id) => <WhatIf key={id} id={id} /> },
  { path: 'tickets', label: 'Tickets', opens: 'Tickets', render: () => <Tickets /> },
  { path: 'service', opens: 'ServiceSummary', render: (id) => <ServiceDetail key={id} id={id} /> },
  { path: 'ticket', opens: 'Ticket', render: (id) => <Ticket key={id} id={id} /> },
];

const navigationFor = (viewer: Viewer) =>
  VIEWS.flatMap((v) => (v.label && atLeast(viewer.drillLevel, OPERATION_LEVELS[v.opens]) ? [{ path: v.path, label: v.label }] : []));

/** Where a viewer lands: what it acts on first. */
function homeOf(viewer: Viewer): string {
  if (viewer.actions.includes('alert:acknowledge')) return 'operations';
  if (atLeast(viewer.drillLevel, 'COMPONENT')) return viewer.actions.includes('article:link') ? 'tickets' : 'operations';
  return viewer.actions.includes('problem:report') ? 'my' : 'impact';
}

export function App() {
  const [settings, setSettings] = useState<BoardSettings | null>(null);
  const [token, setToken] = useState<string | null>(() => tokenFromFragment() ?? storedToken());
  const [viewer, setViewer] = useState<Viewer | null>(null);
  const [reason, setReason] = useState<string | null>(null);

  useEffect(() => {
    void fetch('/board/settings')
      .then((r) => r.json() as Promise<BoardSettings>)
      .then(setSettings)
      .catch(() => setReason('The gateway cannot be reached.'));
  }, []);

  const signOut = useCallback((why: string | null = null) => {
    forgetToken();
    setToken(null);
    setViewer(null);
    setReason(why);
  }, []);

  useEffect(() => {
    if (!token) return;
    storeToken(token);
    execute(token, viewerQuery, {})
      .then((answer) => {
        if (answer.data) setViewer(answer.data.viewer);
        else signOut(answer.errors[0]?.message ?? 'The gateway did not say who you are.');
      })
      .catch((error: unknown) => signOut(error instanceof TokenRefused ? error.message : 'The gateway cannot be reached.'));
  }, [token, signOut]);

  const session = useMemo<Session | null>(
    () =>
      settings && token && viewer
        ? {
            token,
            settings,
            viewer,
            reads: (level) => atLeast(viewer.drillLevel, level),
            may: (action) => viewer.actions.includes(action),
            refuse: (why) => signOut(why),
            signOut: () => signOut(null),
          }
        : null,
    [settings, token, viewer, signOut],
  );

  if (!settings) return <p class="muted">{reason ?? 'Loading…'}</p>;
  if (!token) return <SignIn settings={settings} reason={reason} onToken={setToken} />;
  if (!session) return <p class="muted">Signing in…</p>;
  return (
    <SessionProvider session={session}>
      <Shell session={session} />
    </SessionProvider>
  );
}

function Shell({ session }: { session: Session }) {
  const route = useRoute();
  const { viewer, settings } = session;
  const views = navigationFor(viewer);
  const [view = homeOf(viewer), id = ''] = route;
  const main = useRef<HTMLElement>(null);

  // Opening another view moves the keyboard focus to its heading, as a page load would; the first
  // view leaves it at the top of the page, where the skip button is.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [view, id]);

  return (
    <>
      <button type="button" class="skip" onClick={() => main.current?.querySelector<HTMLElement>('h1')?.focus()}>
        Skip to the content
      </button>
      <header class="top">
        <p class="brand">
          servicegraph <span class="muted">service board</span>
          {settings.demo ? <span class="badge">demo</span> : null}
        </p>
        <nav aria-label="Views">
          <ul class="views">
            {views.map((v) => (
              <li key={v.path}>
                <a href={href(v.path)} aria-current={v.path === view ? 'page' : undefined}>
                  {v.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <p class="who">
          <span>
            {viewer.id}{' '}
            <span class="muted">
              ({viewer.roles.join(', ') || 'no role'}, {viewer.drillLevel.toLowerCase()})
            </span>
          </span>{' '}
          <button type="button" class="link" onClick={session.signOut}>
            Sign out
          </button>
        </p>
      </header>
      <main id="main" ref={main}>
        <View view={view} id={id} />
      </main>
    </>
  );
}

/** The view at the address; one whose opening operation the viewer's drill level does not read says so instead. */
function View({ view, id }: { view: string; id: string }) {
  const { viewer } = useSession();
  const found = VIEWS.find((v) => v.path === view);
  if (!found) return <h1 tabIndex={-1}>No such view</h1>;
  const needs = OPERATION_LEVELS[found.opens];
  if (!atLeast(viewer.drillLevel, needs))
    return (
      <>
        <h1 tabIndex={-1}>{found.label ?? 'Not at your drill level'}</h1>
        <p>
          This view needs the {needs.toLowerCase()} drill level; yours is {viewer.drillLevel.toLowerCase()}.
        </p>
      </>
    );
  return found.render(id);
}
