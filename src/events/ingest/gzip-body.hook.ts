import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Transform, TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { MAX_BODY_BYTES } from './limits';

const INGEST_PATH = /^\/v1\/(identify|track|page|screen|group|alias|batch|validate)(\?|$)/;

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

function tooLarge(): HttpError {
  return new HttpError(413, `body: larger than ${MAX_BODY_BYTES / 1024} KB (after decompression)`);
}

// Counts the bytes a body stream yields and fails with 413 past the limit.
class LimitStream extends Transform {
  private seen = 0;
  // Fastify compares this, not the decoded length, with Content-Length.
  receivedEncodedLength = 0;

  _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > MAX_BODY_BYTES) return done(tooLarge());
    done(null, chunk);
  }
}

// On the ingestion routes: read the body as JSON whatever its content type, inflate
// `Content-Encoding: gzip` bodies (RudderStack and others send them), and enforce the 500 KB
// body limit on what the body decodes to.
export function registerIngestBodyHook(fastify: FastifyInstance): void {
  fastify.addHook('preParsing', (request: FastifyRequest, _reply, payload, done) => {
    if (request.method !== 'POST' || !INGEST_PATH.test(request.url)) return done(null, payload);
    const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'gzip' && encoding !== 'identity') {
      return done(
        new HttpError(415, `content-encoding: ${encoding} is not supported (use gzip or none)`),
        payload,
      );
    }
    // Bodies are JSON whatever the client labels them: the RudderStack SDK posts gzip JSON as
    // application/x-www-form-urlencoded, browsers' sendBeacon as text/plain.
    if (!String(request.headers['content-type'] ?? '').includes('json')) {
      request.headers['content-type'] = 'application/json';
    }
    const length = Number(request.headers['content-length']);
    if (encoding === 'identity') {
      if (length > MAX_BODY_BYTES) return done(tooLarge(), payload);
      if (length >= 0) return done(null, payload);
    }
    const limited = new LimitStream();
    if (encoding === 'gzip') {
      const gunzip = createGunzip();
      payload.on('data', (chunk: Buffer) => (limited.receivedEncodedLength += chunk.length));
      payload.on('error', (err) => limited.destroy(err));
      gunzip.on('error', () => limited.destroy(new HttpError(400, 'body: not valid gzip')));
      payload.pipe(gunzip).pipe(limited);
      delete request.headers['content-encoding'];
    } else {
      payload.on('data', (chunk: Buffer) => (limited.receivedEncodedLength += chunk.length));
      payload.on('error', (err) => limited.destroy(err));
      payload.pipe(limited);
    }
    done(null, limited);
  });
}
