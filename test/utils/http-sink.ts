import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  at: number;
  headers: IncomingMessage['headers'];
  body: any;
  raw: string;
  status: number;
}

// A destination on 127.0.0.1: records every request, answers what `respond` says (200 by
// default), and counts webhook records by delivery id.
export class HttpSink {
  readonly received: Received[] = [];
  respond: () => { status: number; headers?: Record<string, string> } = () => ({ status: 200 });
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString();
        const answer = this.respond();
        this.received.push({
          at: Date.now(),
          headers: req.headers,
          body: JSON.parse(raw),
          raw,
          status: answer.status,
        });
        res.writeHead(answer.status, answer.headers).end('{}');
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  // Records of accepted webhook requests.
  records(): any[] {
    return this.received.filter((r) => r.status < 300).flatMap((r) => r.body.batch ?? []);
  }

  deliveryCounts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.records()) out.set(r.deliveryId, (out.get(r.deliveryId) ?? 0) + 1);
    return out;
  }
}

// Checks X-Traitbase-Signature (t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">).
export function validSignature(secret: string, r: Received): boolean {
  const header = String(r.headers['x-traitbase-signature'] ?? '');
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  const want = createHmac('sha256', secret).update(`${m[1]}.${r.raw}`).digest();
  return timingSafeEqual(want, Buffer.from(m[2], 'hex'));
}
