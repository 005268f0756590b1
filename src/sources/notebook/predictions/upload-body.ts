import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export const UPLOAD_FORMATS: Record<string, 'csv' | 'jsonl'> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/jsonlines': 'jsonl',
  'application/json-lines': 'jsonl',
};

export function uploadFormat(contentType: string | undefined): 'csv' | 'jsonl' | undefined {
  return UPLOAD_FORMATS[(contentType ?? '').split(';')[0].trim().toLowerCase()];
}

// Upload bodies are handed to the handler as a stream (gunzipped when Content-Encoding: gzip),
// never buffered: an output of 100k rows is parsed while it arrives.
@Injectable()
export class UploadBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    for (const type of Object.keys(UPLOAD_FORMATS)) {
      if (fastify.hasContentTypeParser(type)) continue;
      fastify.addContentTypeParser(
        type,
        (
          _req: unknown,
          payload: IncomingMessage,
          done: (err: Error | null, body?: Readable) => void,
        ) => {
          const gzip = String(payload.headers['content-encoding'] ?? '').toLowerCase() === 'gzip';
          done(null, gzip ? payload.pipe(createGunzip()) : payload);
        },
      );
    }
  }
}
