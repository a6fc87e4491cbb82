import { type CommandSpec, runCommand, UsageError } from './cli.js';

/**
 * Prints a JWT the given config accepts (demo key or HS256 secret), for trying the gateway:
 *   npm run --silent token -- --role operator [--sub alice] [--groups hr-it,all-staff] [--expires 1h]
 */
const TOKEN_COMMAND: CommandSpec = {
  usage: 'npm run --silent token -- --role <role> [options]      (or node dist/app/token-cli.js)',
  summary: 'Prints only a JWT that the config accepts (its demo key or HS256 secret), for trying the gateway.',
  options: {
    role: { type: 'string', multiple: true, value: 'role', description: 'a role of the policy (repeat it, or a,b); required' },
    sub: { type: 'string', value: 'id', description: 'the subject (default: demo-<first role>)' },
    groups: { type: 'string', value: 'g1,g2', description: 'groups, comma separated (scopes owned and consumed read them)' },
    expires: { type: 'string', value: 'time', description: 'lifetime, e.g. 30m, 8h (default: 8h)' },
    config: { type: 'string', value: 'file', description: 'the configuration file (default: config/demo.yaml)' },
  },
  environment: { SERVICEGRAPH_CONFIG: 'the configuration file, when --config is not given' },
  failure: 'failed',
};

await runCommand('token', TOKEN_COMMAND, async ({ values }) => {
  const roles = ((values['role'] as string[] | undefined) ?? []).flatMap((r) => r.split(',')).filter(Boolean);
  if (roles.length === 0) throw new UsageError('--role is required (executive, end-user, service-owner, helpdesk, operator, admin)');
  // Loaded after the arguments are read, so --help and a wrong flag answer at once.
  const [{ loadConfig }, { loadPolicy }, { signUserToken }] = await Promise.all([
    import('./config.js'),
    import('../authz/policy.js'),
    import('../gateway/identity.js'),
  ]);
  const { config } = loadConfig((values['config'] as string | undefined) ?? process.env['SERVICEGRAPH_CONFIG'] ?? 'config/demo.yaml');
  const policy = loadPolicy(config.policy);
  const unknown = roles.filter((r) => !(r in policy.roles));
  if (unknown.length > 0) throw new UsageError(`unknown role ${unknown.join(', ')} (known: ${Object.keys(policy.roles).join(', ')})`);
  const token = await signUserToken(config.auth, policy.claims, {
    sub: (values['sub'] as string | undefined) ?? `demo-${roles[0]}`,
    roles,
    groups: ((values['groups'] as string | undefined) ?? '').split(',').filter(Boolean),
    expiresIn: (values['expires'] as string | undefined) ?? '8h',
  });
  process.stdout.write(`${token}\n`);
});
