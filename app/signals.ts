import type { Logger } from '../kernel/log.js';

/**
 * SIGTERM (Kubernetes, systemd, `npm start` forwarding it) and SIGINT (Ctrl-C) start one graceful
 * stop; exit code 0 when it completes. A second signal changes nothing: Ctrl-C under `npm start`
 * reaches node twice (from the terminal and from npm), and the grace period already bounds the wait.
 * If closing hangs past `deadlineMs`, the process exits with 1 rather than never.
 */
export function closeOnSignals(log: Logger, close: () => Promise<unknown>, deadlineMs: number): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    setTimeout(() => {
      log.error('shutdown did not finish in time; exiting', { deadlineMs });
      process.exit(1);
    }, deadlineMs).unref();
    close().then(
      (result) => {
        log.info('stopped', typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : {});
        process.exit(0);
      },
      (error: unknown) => {
        log.error('shutdown failed', { reason: error instanceof Error ? error.message : String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
