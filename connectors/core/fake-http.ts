import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Fault, FaultScript } from './fake-faults.js';

export interface LoopbackListener {
  /** `http://127.0.0.1:<port>`, the origin the fake answers on. */
  url: string;
  /** Drops open (keep-alive) connections first, so close does not wait for clients to hang up. */
  close(): Promise<void>;
}

/**
 * Starts a protocol fake (fake-server.ts of each connector) on a free loopback port: tests never bind
 * anything but 127.0.0.1 and never a fixed port, so parallel test files cannot collide.
 */
export async function listenOnLoopback(server: Server): Promise<LoopbackListener> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface FakeRequestHandling {
  /** Receives every request as `${method} ${url}`, in arrival order. */
  requests: string[];
  /** Scripted failures, applied before the fake answers. */
  faults: FaultScript;
  /** Answers a request the fault script let through. */
  answer: (req: IncomingMessage, res: ServerResponse) => unknown;
  /** Answers a request whose handling threw, as the tool answers an internal error (only while nothing is sent yet). */
  internalError: (res: ServerResponse, error: unknown) => void;
  /**
   * Leave a request whose client went away during a scripted delay unanswered and not carried out.
   * @default false: the fake carries it out anyway
   */
  dropAbandoned?: boolean;
}

/** The request listener of a protocol fake: records the request, applies the scripted faults, answers. */
function fakeRequestListener({ requests, faults, answer, internalError, dropAbandoned = false }: FakeRequestHandling): RequestListener {
  return (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    void (async () => {
      if (await faults.apply(req, res)) return;
      if (dropAbandoned && res.destroyed) return;
      await answer(req, res);
    })().catch((error: unknown) => {
      if (!res.headersSent) internalError(res, error);
    });
  };
}

/** What every fake started by serveFake offers its tests (the ContractFake of test/connector-contract.ts). */
export interface ServedFake extends LoopbackListener {
  /** Every request received, as `${method} ${url}`, in arrival order. */
  requests: string[];
  /** Queues faults for the next matching requests, one request each. */
  setFailures(list: Fault[]): void;
}

/** Starts a protocol fake on a free loopback port: it records each request, applies the scripted faults, then answers. */
export async function serveFake(handling: FakeRequestHandling): Promise<ServedFake> {
  const listener = await listenOnLoopback(createServer(fakeRequestListener(handling)));
  const { requests, faults } = handling;
  return {
    ...listener,
    requests,
    setFailures: (list) => {
      for (const fault of list) faults.fail(fault);
    },
  };
}
