import { createServer } from 'node:http';

// The floor of an HTTP answer on Node: a bare node:http server answering every request with the
// same JSON, held in memory as bytes (BENCH_BODY).
const body = Buffer.from(process.env.BENCH_BODY ?? '{}');

createServer((_req, res) => {
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
  });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
