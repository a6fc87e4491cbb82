/**
 * What the connector tests (connectors/<tool>/<tool>.test.ts and the contract suite in
 * test/connector-contract.ts) set up the same way: deps, a caller, a fake per test, the error a call
 * fails with, and sample incidents and CIs. For tests only (it imports vitest).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphQLError } from 'graphql';
import { expect } from 'vitest';
import { createCache } from './cache.js';
import type { Connector, ConnectorDeps } from './connector.js';
import { silentLogger } from '../../kernel/log.js';
import type { ConfigurationItem, NewIncident, NewRequest } from '../../kernel/model.js';
import type { RequestAuth } from '../../kernel/request.js';

/** The caller of a test request: no roles or groups (connectors do not authorize, the gateway does). */
export function testAuth(sub = 'alice'): RequestAuth {
  return { sub, roles: [], groups: [] };
}

/** Deps for a connector under test: silent log, a fresh in-memory cache, a fresh throwaway directory. */
export function testDeps(name: string): ConnectorDeps {
  const dir = mkdtempSync(join(tmpdir(), 'sg-connector-'));
  return { log: silentLogger, cache: createCache(name, silentLogger), estateDir: dir, dataDir: dir };
}

/** vitest's `onTestFinished`, as the test context hands it out. */
export type OnTestFinished = (fn: () => Promise<void>) => void;

/** Waits for a started fake and closes it when the test ends, passed or failed. */
export async function fakeForTest<F extends { close(): Promise<void> }>(onTestFinished: OnTestFinished, starting: Promise<F>): Promise<F> {
  const fake = await starting;
  onTestFinished(() => fake.close());
  return fake;
}

/**
 * A connector instance against a fake started for this test: configured with the fake's URL, no
 * retries and a 1 s timeout unless `config` says otherwise; `api` is one request's.
 */
export async function connectorForTest<TConfig, TApi, F extends { url: string; close(): Promise<void> }>(
  onTestFinished: OnTestFinished,
  connector: Connector<TConfig, TApi>,
  name: string,
  starting: Promise<F>,
  config: Record<string, unknown>,
) {
  const fake = await fakeForTest(onTestFinished, starting);
  const parsed = connector.config.parse({ baseUrl: fake.url, retryLimit: 0, timeoutMs: 1000, ...config });
  const instance = connector.create(name, parsed, testDeps(name));
  return { fake, instance, api: instance.forRequest(testAuth()) };
}

/** The error a call rejects with; fails the test when the call succeeds. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** The GraphQLError a connector call rejects with (anything else fails the test). */
export async function failure(promise: Promise<unknown>): Promise<GraphQLError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(GraphQLError);
  return error as GraphQLError;
}

/** The error code a call fails with: the GraphQLError's code, another error itself, or 'resolved'. */
export async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error instanceof GraphQLError ? error.extensions['code'] : error;
  }
  return 'resolved';
}

/** A catalogue request to open in a helpdesk test; `extra` overrides any field. */
export function testRequest(correlationId: string, extra: Partial<NewRequest> = {}): NewRequest {
  return {
    offeringId: 'payroll.payslip-reissue',
    title: 'Request: Payslip reissue',
    description: 'For March.',
    serviceId: 'payroll',
    caller: 'ursula',
    correlationId,
    toolIds: {},
    ...extra,
  };
}

/** An incident to open in a helpdesk test; `extra` overrides any field. */
export function testIncident(correlationId: string, extra: Partial<NewIncident> = {}): NewIncident {
  return {
    title: 'Payroll export fails',
    description: 'The nightly export stopped.',
    priority: 'HIGH',
    ciId: 'server123',
    serviceId: 'payroll',
    caller: 'alice',
    correlationId,
    ...extra,
  };
}

/** A CI with only an id (also its name); `fields` sets the rest. */
export function testCi(id: string, fields: Partial<ConfigurationItem> = {}): ConfigurationItem {
  return {
    id,
    name: id,
    class: 'server',
    fqdn: null,
    ip: null,
    serial: null,
    tags: [],
    attributes: {},
    monthlyCost: null,
    sourceLinks: [],
    ...fields,
  };
}
