import { parseArgs } from 'node:util';
import { loadPolicy } from '../authz/policy.js';
import { ConfigError } from '../kernel/errors.js';
import { loadConfig } from './config.js';
import { signUserToken } from '../gateway/identity.js';

/**
 * Prints a JWT the given config accepts (demo key or HS256 secret), for trying the gateway:
 *   npm run --silent token -- --role operator [--sub alice] [--groups hr-it,all-staff] [--expires 1h]
 */
const { values } = parseArgs({
  options: {
    config: { type: 'string', default: 'config/demo.yaml' },
    role: { type: 'string', multiple: true },
    sub: { type: 'string' },
    groups: { type: 'string', default: '' },
    expires: { type: 'string', default: '8h' },
  },
});

try {
  const roles = (values.role ?? []).flatMap((r) => r.split(',')).filter(Boolean);
  if (roles.length === 0)
    throw new ConfigError('token', ['--role is required (executive, end-user, service-owner, helpdesk, operator, admin)']);
  const { config } = loadConfig(values.config ?? 'config/demo.yaml');
  const policy = loadPolicy(config.policy);
  const unknown = roles.filter((r) => !(r in policy.roles));
  if (unknown.length > 0)
    throw new ConfigError('token', [`unknown role ${unknown.join(', ')} (known: ${Object.keys(policy.roles).join(', ')})`]);
  const token = await signUserToken(config.auth, policy.claims, {
    sub: values.sub ?? `demo-${roles[0]}`,
    roles,
    groups: (values.groups ?? '').split(',').filter(Boolean),
    expiresIn: values.expires ?? '8h',
  });
  process.stdout.write(`${token}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
