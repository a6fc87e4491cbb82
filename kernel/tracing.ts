import {
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanOptions,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

/**
 * OpenTelemetry traces, through the OpenTelemetry API. Until `startTracing` registers the SDK,
 * `inSpan` only calls its function (with a shared span that records nothing): tracing off costs
 * nothing measurable. @apollo/gateway reports its own spans through the same
 * API (gateway.request, gateway.validate, gateway.plan, gateway.execute, gateway.fetch per subgraph
 * fetch, gateway.postprocessing), so once registered a trace runs from the gateway's request through
 * planning and every fetch to each subgraph and every tool call.
 */

const tracer = trace.getTracer('servicegraph');
/** Whether this process exports spans (startTracing ran, shutdown did not). */
let tracing = false;
const NOT_RECORDED = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

export interface TracingOptions {
  /** OTLP/HTTP traces endpoint, e.g. http://otel-collector:4318/v1/traces */
  endpoint: string;
  /** Sent with every export (e.g. a collector's API key). */
  headers: Record<string, string>;
  /** `service.name` of this process's spans. */
  serviceName: string;
  /** Share of new traces recorded; a remote subgraph follows the gateway's decision. */
  sampleRatio: number;
}

/**
 * Registers the SDK for this process: spans batched and exported as OTLP/HTTP (JSON), the W3C
 * traceparent propagator, an AsyncLocalStorage context. The SDK is loaded only here, so a process
 * that does not trace never loads it. `shutdown` exports what is pending and unregisters.
 */
export async function startTracing(options: TracingOptions): Promise<{ shutdown(): Promise<void> }> {
  const [
    { NodeTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler },
    { OTLPTraceExporter },
    { resourceFromAttributes },
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: options.endpoint, headers: options.headers }))],
  });
  provider.register();
  tracing = true;
  return {
    async shutdown() {
      tracing = false;
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/**
 * Runs `fn` in a new span made current (what `fn` starts becomes its children) and ends it, marking
 * it failed with the error's code when `fn` throws. A span records only what is safe to export:
 * codes, templates and ids, never a body, a query text or a credential.
 */
export function inSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>, parent?: Context): Promise<T> {
  if (!tracing) return fn(NOT_RECORDED);
  return tracer.startActiveSpan(name, options, parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      const code = (error as { extensions?: { code?: unknown }; code?: unknown }).extensions?.code ?? (error as { code?: unknown }).code;
      span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === 'string' ? code : 'error' });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The trace context a caller sent (W3C traceparent), to continue its trace; none: a new one. */
export function callerTraceContext(headers: Record<string, string | string[] | undefined>) {
  return propagation.extract(ROOT_CONTEXT, headers, {
    get: (carrier, key) => carrier[key],
    keys: (carrier) => Object.keys(carrier),
  });
}

/** Writes the current trace context (traceparent, tracestate) into an outgoing request's headers. */
export function sendTraceContext(set: (name: string, value: string) => void): void {
  propagation.inject(context.active(), null, { set: (_, name, value) => set(name, value) });
}

/** The current trace's id, for a log line to point at its trace; undefined when not traced. */
export function currentTraceId(): string | undefined {
  const span = trace.getActiveSpan()?.spanContext();
  return span && span.traceFlags & 1 ? span.traceId : undefined;
}
