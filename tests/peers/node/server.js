// The official socket.io 4.8 server, configured for the client's integration tests.
//
//   PORT=0 PING_INTERVAL=25000 PING_TIMEOUT=20000 MAX_PAYLOAD=1000000 DEBUG_PEER=1 node server.js
//
// Listens on 127.0.0.1 and prints "PORT=<n>" once listening. A given PORT lets a test restart
// the server on the same port (a "server went away and came back" scenario).
//
// Namespaces "/" and "/plugin" share the handlers below; "/private" is refused by middleware.
"use strict";

const http = require("http");
const { Server } = require("socket.io");

const env = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
const debug = process.env.DEBUG_PEER === "1";
const log = (...parts) => debug && console.error(...parts);

const httpServer = http.createServer();
const io = new Server(httpServer, {
  transports: ["websocket"],
  pingInterval: env("PING_INTERVAL", 25000),
  pingTimeout: env("PING_TIMEOUT", 20000),
  maxHttpBufferSize: env("MAX_PAYLOAD", 1e6),
});

// Everything this process received, by event name, so that a test can check "delivered exactly
// once and in order" across reconnections (all sockets, all namespaces of this process).
const received = new Map();

const takeAck = (args) => (typeof args.at(-1) === "function" ? args.pop() : null);

function describe(value) {
  return Buffer.isBuffer(value) ? `<buffer ${value.length}>` : JSON.stringify(value);
}

function onConnection(socket) {
  log(`connected nsp=${socket.nsp.name} id=${socket.id} auth=${JSON.stringify(socket.handshake.auth)}`);
  socket.emit("auth", socket.handshake.auth);

  socket.onAny((event, ...args) => {
    const payload = args.filter((a) => typeof a !== "function");
    if (!received.has(event)) received.set(event, []);
    received.get(event).push(payload.length === 1 ? payload[0] : payload);
  });

  // Acks with the same arguments when asked to, else emits them back as "echo".
  socket.on("echo", (...args) => {
    const ack = takeAck(args);
    if (ack) ack(...args);
    else socket.emit("echo", ...args);
  });

  // Namespace DISCONNECT ("io server disconnect"), then the connection is closed.
  socket.on("kick", () => socket.disconnect(true));

  // Closes the Engine.IO connection under the socket: the client sees a transport close.
  socket.on("drop", () => socket.conn.close());

  // The server asks the client for an ack ("ack-me" with the given args) and reports the
  // client's ack arguments back as "acked".
  socket.on("emit-back", (...args) => {
    takeAck(args);
    socket.emit("ack-me", ...args, (...ackArgs) => socket.emit("acked", ...ackArgs));
  });

  // Replies (ack, or a "binary" event) with a buffer of its own, the arguments as received and
  // whether each of them arrived as binary.
  socket.on("binary", (...args) => {
    const ack = takeAck(args);
    const reply = {
      server: Buffer.from([0, 1, 2, 0xfe, 0xff]),
      echoed: args,
      isBuffer: args.map((a) => Buffer.isBuffer(a)),
    };
    if (ack) ack(reply);
    else socket.emit("binary", reply);
  });

  // Acks with the payloads received so far for an event name ("queued" by default).
  socket.on("count", (...args) => {
    const ack = takeAck(args);
    const name = typeof args[0] === "string" ? args[0] : "queued";
    if (ack) ack(received.get(name) || []);
  });

  socket.on("disconnect", (reason) => log(`disconnected nsp=${socket.nsp.name} id=${socket.id}: ${reason}`));
}

io.on("connection", onConnection);
io.of("/plugin").on("connection", onConnection);
io.of("/private").use((socket, next) => {
  const err = new Error("not authorized");
  err.data = { code: 42 };
  next(err);
});

// Every Engine.IO packet in both directions, for the test's failure output.
io.engine.on("connection", (conn) => {
  log(`eio open ${conn.id}`);
  conn.on("packet", (p) => log(`<- ${conn.id} ${p.type} ${describe(p.data ?? "")}`));
  conn.on("packetCreate", (p) => log(`-> ${conn.id} ${p.type} ${describe(p.data ?? "")}`));
  conn.on("close", (reason) => log(`eio close ${conn.id}: ${reason}`));
});

httpServer.listen(env("PORT", 0), "127.0.0.1", () => {
  console.log(`PORT=${httpServer.address().port}`);
});

process.on("SIGTERM", () => process.exit(0));
