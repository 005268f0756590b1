import { trace } from '@opentelemetry/api';

// Names the request's server span after its route template (never the path, which carries
// identities) and records the request id. Without tracing there is no active span: nothing happens.
export function labelRequestSpan(
  method: string,
  route: string | undefined,
  requestId: string,
): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  const template = route ?? 'unmatched';
  span.updateName(`${method} ${template}`);
  span.setAttributes({ 'http.route': template, 'traitbase.request_id': requestId });
}
