import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import secureJsonParse from 'secure-json-parse';

const JSON_TYPE = 'application/json';
const PARSE_OPTIONS = { protoAction: 'error', constructorAction: 'error' } as const;
// secure-json-parse's message for a prototype key (any other error is malformed JSON).
const FORBIDDEN = 'Object contains forbidden prototype property';

// A body that cannot be read: answers 400 in the API's error shape with this message
// (common/errors) and counts against the sender's address like any unreadable body.
export class BodyError extends Error {
  readonly statusCode = 400;
}

// Where the first key that could poison a prototype sits: `body.batch[3].traits.__proto__`.
export function prototypeKeyPath(value: unknown, path = 'body'): string | null {
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = prototypeKeyPath(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (Object.prototype.hasOwnProperty.call(value, '__proto__')) return `${path}.__proto__`;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'constructor' && child !== null && typeof child === 'object') {
      if (Object.prototype.hasOwnProperty.call(child, 'prototype'))
        return `${path}.constructor.prototype`;
    }
    const found = prototypeKeyPath(child, `${path}.${key}`);
    if (found) return found;
  }
  return null;
}

// Parses a JSON body as Fastify does (secure-json-parse: prototype keys refused, the text scanned
// for them only when it mentions one), but says why a body is refused — malformed JSON, or where
// the forbidden key is — where Fastify's own parser answers both as one "invalid JSON" error.
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw new BodyError('body: is empty (send a JSON document)');
  try {
    return secureJsonParse(text, undefined, PARSE_OPTIONS);
  } catch (err) {
    if (!(err instanceof SyntaxError) || err.message !== FORBIDDEN)
      throw new BodyError('body: is not valid JSON');
  }
  const at = prototypeKeyPath(JSON.parse(text)) ?? 'body';
  throw new BodyError(`${at}: key is not allowed (a prototype key; rename it)`);
}

// Every application/json body of the app goes through parseJsonBody.
export function useJsonBodyParser(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser(JSON_TYPE);
  fastify.addContentTypeParser(JSON_TYPE, { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
