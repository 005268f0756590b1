import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { redactingExporter } from './redact-spans';

// OpenTelemetry traces, off unless an OTLP endpoint is set (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or
// OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces): HTTP server and client spans, PostgreSQL queries and
// Redis commands, sent as OTLP/HTTP JSON in batches. The SDK reads its other standard variables
// itself (OTEL_EXPORTER_OTLP_HEADERS, OTEL_SERVICE_NAME, OTEL_BSP_*). Only an allowlist of
// attributes leaves the process (redact-spans.ts): no URLs, SQL, Redis arguments, addresses or
// error messages, which can hold personal data. Started before pg and ioredis are loaded.
export function tracingEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined;
}

export interface Tracing {
  // Sends what is buffered (on shutdown).
  flush(): Promise<void>;
}

export async function startTracing(
  env: NodeJS.ProcessEnv,
  role: string,
): Promise<Tracing | undefined> {
  if (!tracingEndpoint(env)) return undefined;
  // Loaded only when tracing is on: an untraced node never loads the SDK.
  const [
    { NodeTracerProvider },
    { BatchSpanProcessor },
    { OTLPTraceExporter },
    { resourceFromAttributes },
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const [
    { registerInstrumentations },
    { HttpInstrumentation },
    { PgInstrumentation },
    { IORedisInstrumentation },
  ] = await Promise.all([
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-ioredis'),
  ]);
  const exporter: SpanExporter = redactingExporter(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': env.OTEL_SERVICE_NAME || 'traitbase',
      'traitbase.role': role,
    }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // The exporter's own requests would trace themselves.
        ignoreOutgoingRequestHook: (req) => isExport(req, env),
      }),
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  return { flush: () => provider.forceFlush() };
}

function isExport(
  req: {
    hostname?: string | null;
    host?: string | null;
    port?: number | string | null;
    path?: string | null;
  },
  env: NodeJS.ProcessEnv,
): boolean {
  const endpoint = tracingEndpoint(env);
  if (!endpoint) return false;
  const url = new URL(endpoint);
  const host = req.hostname ?? req.host?.split(':')[0];
  const port = String(req.port ?? (url.protocol === 'https:' ? 443 : 80));
  return host === url.hostname && port === (url.port || (url.protocol === 'https:' ? '443' : '80'));
}
