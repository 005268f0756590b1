import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

// What a span may carry out of the process. Everything else is dropped before export: URLs and
// query strings (identities are path segments), SQL text, Redis arguments, client addresses, user
// agents, error messages (a constraint violation names the value) — personal data never leaves in
// a trace. Span names are method + route template, `pg.query:<verb> <database>` or a Redis command.
const ALLOWED_ATTRIBUTES = new Set([
  'http.method',
  'http.request.method',
  'http.status_code',
  'http.response.status_code',
  'http.route',
  'http.flavor',
  'network.protocol.version',
  'http.scheme',
  'url.scheme',
  'net.host.port',
  'server.port',
  'net.peer.name',
  'net.peer.port',
  'server.address',
  'db.system',
  'db.system.name',
  'db.name',
  'db.namespace',
  'db.operation',
  'db.operation.name',
  'traitbase.request_id',
]);
const ALLOWED_EVENT_ATTRIBUTES = new Set(['exception.type']);

function pick(attributes: Attributes, allowed: ReadonlySet<string>): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) if (allowed.has(key)) out[key] = value;
  return out;
}

// The span as exported: the same span with its attributes, event attributes and status message
// narrowed to the allowlist.
export function redactSpan(span: ReadableSpan): ReadableSpan {
  const attributes = pick(span.attributes, ALLOWED_ATTRIBUTES);
  const events = span.events.map((e) => ({
    ...e,
    attributes: e.attributes && pick(e.attributes, ALLOWED_EVENT_ATTRIBUTES),
  }));
  const status = { code: span.status.code };
  return new Proxy(span, {
    get(target, key) {
      if (key === 'attributes') return attributes;
      if (key === 'events') return events;
      if (key === 'status') return status;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

export function redactingExporter(inner: SpanExporter): SpanExporter {
  return {
    export: (spans, done) => inner.export(spans.map(redactSpan), done),
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}
