// OpenTelemetry traces, off unless an OTLP endpoint is set (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or
// OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces): HTTP server and client spans, PostgreSQL queries and
// Redis commands, sent as OTLP/HTTP JSON in batches. The SDK reads its other standard variables
// itself (OTEL_EXPORTER_OTLP_HEADERS, OTEL_BSP_*). Only an allowlist of attributes leaves the
// process (redact-spans.ts): no URLs, SQL, Redis arguments, client addresses or error messages,
// which can hold personal data. Started before pg and ioredis are loaded (main.ts).
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
  const endpoint = tracingEndpoint(env);
  if (!endpoint) return undefined;
  // Loaded only when tracing is on: an untraced node never loads the SDK.
  const { startSdk } = await import('./tracing-sdk');
  return { flush: startSdk(endpoint, env.OTEL_SERVICE_NAME || 'traitbase', role) };
}
