import { useState } from 'preact/hooks';
import type { BoardSettings } from '../session';

/** What each drill level shows, in words for the role picker. */
const SHOWS = {
  BUSINESS: 'service health, business impact and SLAs',
  SERVICE: 'service structure and history too',
  COMPONENT: 'components, alerts, tickets and articles too',
  TELEMETRY: 'everything, with deep links into the tools',
} as const;

/**
 * Sign-in: the identity provider's token, pasted or handed back in the URL fragment by `signInUrl`;
 * in demo mode only, a role picker whose tokens the gateway signs with the demo key.
 */
export function SignIn({
  settings,
  reason,
  onToken,
}: {
  settings: BoardSettings;
  reason: string | null;
  onToken: (token: string) => void;
}) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const pick = async (role: string) => {
    setProblem(null);
    const response = await fetch('/board/demo-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role }),
    });
    const body = (await response.json()) as { token?: string; errors?: { message: string }[] };
    if (body.token) onToken(body.token);
    else setProblem(body.errors?.[0]?.message ?? `the gateway answered ${response.status}`);
  };
  return (
    <main id="main" class="sign-in">
      <h1 tabIndex={-1}>Sign in to the service board</h1>
      {reason ? (
        <p class="errors" role="alert">
          {reason}
        </p>
      ) : null}
      {problem ? (
        <p class="errors" role="alert">
          {problem}
        </p>
      ) : null}
      {settings.demo ? (
        <section aria-labelledby="demo-roles" class="demo">
          <h2 id="demo-roles">Demo: pick a role</h2>
          <p>This gateway runs the demo: it signs a token for the role you pick. Each role sees what the policy lets it see, no more.</p>
          <ul class="roles">
            {settings.demoRoles.map((r) => (
              <li key={r.role}>
                <button type="button" onClick={() => void pick(r.role)}>
                  Sign in as {r.role}
                </button>
                <span class="muted">
                  {' '}
                  {SHOWS[r.drillLevel]}
                  {r.groups.length > 0 ? `; member of ${r.groups.join(', ')}` : ''}
                  {r.actions.length > 0 ? `; may ${r.actions.join(', ')}` : '; takes no action'}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="with-token">
        <h2 id="with-token">With a token</h2>
        {settings.signInUrl ? (
          <p>
            <a href={settings.signInUrl}>Sign in with your identity provider</a>, which brings you back here signed in, or paste a token.
          </p>
        ) : (
          <p>Paste a token from your identity provider (a JWT this gateway accepts).</p>
        )}
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (token.trim()) onToken(token.trim());
          }}
        >
          <label for="token">Token</label>
          <textarea
            id="token"
            rows={4}
            spellcheck={false}
            autocomplete="off"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
          <button type="submit">Sign in with this token</button>
        </form>
      </section>
    </main>
  );
}
