'use strict';
/**
 * The baseline: a bare Socket.IO 4 relay speaking the project's `join` / `message` protocol, with
 * no validation, no store, no logging, no identity. What the project's server costs on top of
 * Socket.IO itself is measured against this.
 *
 *   PORT=5100 node bench/baseline-server.js
 *
 * - `join {room}` → joins the Socket.IO room, acks `{ok, room, joined}`.
 * - `message {room, msg, clientId?}` → emits `message {msg, username, room, timestamp, id, seq}` to
 *   the room (the sender included, as the project does) and acks `{ok, message}`.
 * - `GET /ready` and `GET /health` answer 200, so the harness waits for both servers the same way.
 */
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const { Server } = require('socket.io');

const port = Number(process.env.PORT || 5100);
const host = process.env.HOST || '127.0.0.1';

const httpServer = http.createServer((req, res) => {
  if (req.url === '/ready' || req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ready"}');
    return;
  }
  res.writeHead(404);
  res.end();
});

// Same options as the project's ChatIoAdapter (CORS, 1 MB buffer), same socket.io version.
const io = new Server(httpServer, { cors: { origin: true, credentials: true }, maxHttpBufferSize: 1_000_000 });

const seqs = new Map();
let guest = 0;

io.on('connection', (socket) => {
  const username = `Guest${++guest}`;
  socket.on('join', (body, ack) => {
    const room = body && body.room;
    socket.join(`room:${room}`);
    if (typeof ack === 'function') ack({ ok: true, room, joined: true });
  });
  socket.on('message', (body, ack) => {
    const room = (body && body.room) || 'General';
    const seq = (seqs.get(room) || 0) + 1;
    seqs.set(room, seq);
    const message = { msg: body.msg, username, room, timestamp: new Date().toISOString(), id: randomUUID(), seq };
    if (body.clientId !== undefined) message.clientId = body.clientId;
    io.to(`room:${room}`).emit('message', message);
    if (typeof ack === 'function') ack({ ok: true, message });
  });
});

httpServer.listen(port, host, () => {
  process.stdout.write(`baseline listening on ${host}:${port}\n`);
});

const stop = () => {
  io.close();
  httpServer.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
