import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import type { DrillLevel as Level } from './drill';
import type { DrillLevel, ViewerQuery } from './gql/graphql';

/** What the gateway says about signing in (GET /board/settings, gateway/board.ts). */
export interface BoardSettings {
  demo: boolean;
  signInUrl: string | null;
  refreshMs: number;
  demoRoles: { role: string; groups: string[]; drillLevel: DrillLevel; actions: string[] }[];
}

export type Viewer = ViewerQuery['viewer'];

export interface Session {
  token: string;
  settings: BoardSettings;
  viewer: Viewer;
  /** The viewer's drill level is at least this one. */
  reads(level: Level): boolean;
  may(action: string): boolean;
  /** The gateway refused the token: back to sign-in, saying why. */
  refuse(reason: string): void;
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ session, children }: { session: Session; children: ComponentChildren }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

/**
 * The token lives in this tab's sessionStorage: a reload keeps the viewer signed in, closing the tab
 * forgets it, and no other tab or site reads it (the page's CSP lets no foreign script run).
 */
const TOKEN_KEY = 'servicegraph.token';
export const storedToken = (): string | null => sessionStorage.getItem(TOKEN_KEY);
export const storeToken = (token: string): void => sessionStorage.setItem(TOKEN_KEY, token);
export const forgetToken = (): void => sessionStorage.removeItem(TOKEN_KEY);

/** An identity provider (or portal) that signs the visitor in sends them back with `#access_token=<JWT>`. */
export function tokenFromFragment(): string | null {
  const match = /^#access_token=([^&]+)/.exec(window.location.hash);
  if (!match?.[1]) return null;
  history.replaceState(null, '', `${window.location.pathname}#/`);
  return decodeURIComponent(match[1]);
}
