// A hostile hub and REST API for the limit tests: a raw Engine.IO/WebSocket server (no socket.io
// underneath, so it can break the protocol) and an HTTP server on the same port.
//
//   MODE=<mode> SIZE=<bytes> COUNT=<n> DRIP_MS=<ms> PING_TIMEOUT=<ms> PORT=0 node hostile.js
//
// Prints "PORT=<n>" once listening on 127.0.0.1, and on stderr one line "connection <n>" per
// WebSocket connection and "request <method> <url>" per HTTP request. WebSocket modes (after the
// Engine.IO open, pings every 200 ms are sent and pongs expected):
//   oversized  on the namespace CONNECT, one text message of SIZE bytes (a valid EVENT), then
//              the CONNECT reply
//   noack      never answers CONNECT (the connection itself stays alive: pings go on)
//   flood      on CONNECT, COUNT events for that namespace, and no CONNECT reply
// HTTP modes (any path):
//   drip       200, Content-Length SIZE, then one byte every DRIP_MS
//   huge       200, Content-Length SIZE, a JSON body of SIZE bytes sent as fast as it is read
//   chunked    as huge, without Content-Length (chunked transfer encoding)
"use strict";

const http = require("http");
const { WebSocketServer } = require("ws");

const mode = process.env.MODE || "noack";
const size = Number(process.env.SIZE || 1024 * 1024);
const count = Number(process.env.COUNT || 1000);
const dripMs = Number(process.env.DRIP_MS || 5000);
const pingTimeout = Number(process.env.PING_TIMEOUT || 2000); // longer for very large messages

// A JSON document of exactly n bytes (n >= 16): {"data":"xxxx…"}
function jsonOfSize(n) {
  return `{"data":"${"x".repeat(n - 11)}"}`;
}

// Streams `total` bytes of a JSON body, respecting back-pressure so that the server itself
// stays small.
function streamJson(res, total) {
  const chunk = Buffer.alloc(1 << 20, "x");
  const head = Buffer.from('{"data":"');
  const tail = Buffer.from('"}');
  let left = total - head.length - tail.length;
  res.write(head);
  const pump = () => {
    while (left > 0) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) return res.once("drain", pump);
    }
    res.end(tail);
  };
  pump();
}

const server = http.createServer((req, res) => {
  console.error(`request ${req.method} ${req.url}`);
  req.resume();
  if (mode === "drip") {
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": String(size) });
    const body = Buffer.from(jsonOfSize(size));
    let sent = 0;
    const timer = setInterval(() => {
      if (sent >= body.length || res.destroyed) return clearInterval(timer);
      res.write(body.subarray(sent, sent + 1));
      sent += 1;
      if (sent >= body.length) res.end();
    }, dripMs);
    res.on("close", () => clearInterval(timer));
  } else if (mode === "huge") {
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": String(size) });
    streamJson(res, size);
  } else if (mode === "chunked") {
    res.writeHead(200, { "Content-Type": "application/json" });
    streamJson(res, size);
  } else {
    res.writeHead(404);
    res.end();
  }
});

const wss = new WebSocketServer({ server, maxPayload: 1 << 20 });
let connections = 0;

wss.on("connection", (ws) => {
  connections += 1;
  console.error(`connection ${connections}`);
  ws.send(
    JSON.stringify({ sid: `hostile${connections}`, upgrades: [], pingInterval: 200, pingTimeout, maxPayload: 1000000 })
      .replace(/^/, "0"),
  );
  const pinger = setInterval(() => ws.send("2"), 200);
  ws.on("close", () => clearInterval(pinger));
  ws.on("error", () => clearInterval(pinger));
  ws.on("message", (data, isBinary) => {
    const text = isBinary ? "" : data.toString();
    if (!text.startsWith("40")) return; // pongs and anything else: ignored
    const nsp = text.startsWith("40/") ? text.slice(2).split(",")[0] : "/";
    const prefix = nsp === "/" ? "42" : `42${nsp},`;
    console.error(`connect ${nsp}`);
    if (mode === "oversized") {
      const filler = "y".repeat(Math.max(0, size - prefix.length - 16));
      ws.send(`${prefix}["big","${filler}"]`);
      ws.send(`40${nsp === "/" ? "" : `${nsp},`}{"sid":"ns${connections}"}`);
    } else if (mode === "flood") {
      for (let i = 0; i < count; i += 1) ws.send(`${prefix}["plugin",{"n":${i}}]`);
      console.error(`flooded ${count}`);
    }
    // noack: nothing; only oversized ever sends the CONNECT reply.
  });
});

server.listen(Number(process.env.PORT || 0), "127.0.0.1", () => {
  console.log(`PORT=${server.address().port}`);
});
