import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { redactingExporter } from './redact-spans';

const UNTRACED_PATHS = /^\/(health|metrics)(\/|\?|$)/;

interface OutgoingRequest {
  hostname?: string | null;
  host?: string | null;
  port?: number | string | null;
}

// The SDK, loaded by tracing.ts only when an endpoint is set: batches of spans to the OTLP
// exporter (which reads the OTEL_EXPORTER_OTLP_* variables itself) through the redaction.
export function startSdk(endpoint: string, serviceName: string, role: string): () => Promise<void> {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'traitbase.role': role }),
    spanProcessors: [new BatchSpanProcessor(redactingExporter(new OTLPTraceExporter()))],
  });
  provider.register();
  const collector = new URL(endpoint);
  const defaultPort = collector.protocol === 'https:' ? '443' : '80';
  // The exporter's own requests would trace themselves.
  const isExport = (req: OutgoingRequest) =>
    (req.hostname ?? req.host?.split(':')[0]) === collector.hostname &&
    String(req.port ?? defaultPort) === (collector.port || defaultPort);
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes every few seconds would drown the traces of real work.
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? ''),
        ignoreOutgoingRequestHook: isExport,
      }),
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  return () => provider.forceFlush();
}
