import { resolve } from 'node:path';
import { z } from 'zod';
import type { ConnectorDeps } from '../core/connector.js';

/** Config of every builtin connector (monitor, cmdb, helpdesk, knowledge). */
export const BuiltinConfig = z.strictObject({
  /** Folder with cmdb.yaml, monitor.yaml, helpdesk.yaml, knowledge.yaml. @default the estate directory of the deployment */
  estateDir: z.string().min(1).optional(),
});
export type BuiltinConfig = z.infer<typeof BuiltinConfig>;

export function estateDirOf(config: BuiltinConfig, deps: ConnectorDeps): string {
  return resolve(config.estateDir ?? deps.estateDir);
}
