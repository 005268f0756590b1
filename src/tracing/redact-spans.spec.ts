import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { redactSpan } from './redact-spans';

function span(): ReadableSpan {
  const context = { traceId: 't'.repeat(32), spanId: 's'.repeat(16), traceFlags: 1 };
  return {
    name: 'GET /v1/profiles/:identity/traits',
    attributes: {
      'http.method': 'GET',
      'http.route': '/v1/profiles/:identity/traits',
      'http.target': '/v1/profiles/email:ann@example.com/traits',
      'http.url': 'http://localhost/v1/profiles/email:ann@example.com/traits',
      'net.peer.ip': '203.0.113.9',
      'http.user_agent': 'game/1.0',
      'db.statement': "SELECT 1 WHERE email = 'ann@example.com'",
      'traitbase.request_id': 'r-1',
    },
    events: [
      {
        name: 'exception',
        time: [0, 0],
        attributes: {
          'exception.type': 'QueryFailedError',
          'exception.message': 'Key (value)=(ann@example.com)',
        },
      },
    ],
    status: { code: 2, message: 'Key (value)=(ann@example.com) already exists' },
    spanContext: () => context,
  } as unknown as ReadableSpan;
}

describe('redactSpan', () => {
  it('keeps only allowlisted attributes, exception types and the status code', () => {
    const out = redactSpan(span());
    expect(out.attributes).toEqual({
      'http.method': 'GET',
      'http.route': '/v1/profiles/:identity/traits',
      'traitbase.request_id': 'r-1',
    });
    expect(out.events[0].attributes).toEqual({ 'exception.type': 'QueryFailedError' });
    expect(out.status).toEqual({ code: 2 });
    expect(JSON.stringify([out.attributes, out.events, out.status])).not.toContain('ann@');
  });

  it('leaves the rest of the span as it was', () => {
    const out = redactSpan(span());
    expect(out.name).toBe('GET /v1/profiles/:identity/traits');
    expect(out.spanContext().spanId).toBe('s'.repeat(16));
  });
});
