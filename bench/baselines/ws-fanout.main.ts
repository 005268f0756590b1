import { createServer } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

// The floor of a push to many sockets: a raw `ws` server that, when a client sends a message,
// sends one text message of BENCH_BYTES (JSON naming the request) to every connected client.
const bytes = Number(process.env.BENCH_BYTES ?? 1024);
const server = createServer((_req, res) => res.end('ok'));
const wss = new WebSocketServer({ server });

function message(id: string): string {
  const head = `{"id":"${id}","pad":"`;
  return `${head}${'x'.repeat(Math.max(0, bytes - head.length - 2))}"}`;
}

wss.on('connection', (socket) => {
  socket.on('message', (data: Buffer) => {
    const text = message(data.toString('utf8'));
    for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(text);
  });
});

server.listen(Number(process.env.PORT), '127.0.0.1');
