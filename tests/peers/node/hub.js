// An emulated Ango plugin hub on the official socket.io 4.8 server: the /plugin namespace the
// SDK's ModelPlugin joins. It records what plugins send and sends `plugin` events on command.
//
//   PORT=0 PING_INTERVAL=25000 PING_TIMEOUT=20000 node hub.js
//
// stdout: "PORT=<n>" once listening, then one JSON object per line for everything received:
//   {"type":"connect","id"}            a plugin joined /plugin
//   {"type":"disconnect","id","reason"}
//   {"type":"heartbeat","payload"}     the heartbeat's argument
//   {"type":"response","payload"}      (not printed for load sessions unless "verbose")
//   {"type":"log","payload"}           (idem)
//   {"type":"event","name","args"}     any other event
//   {"type":"loadDone", ...}           the summary of a load command (below)
//   {"type":"error","message"}         a command could not be read
// stdin: one JSON command per line:
//   {"cmd":"plugin","payload":P}       emit `plugin` with P to every /plugin socket
//   {"cmd":"emit","name":N,"args":[..]} emit any event with these arguments
//   {"cmd":"load","count":N,"inFlight":K,"template":{..},"prefix":"load-","verbose":false}
//        sends N `plugin` events (template + "session": prefix+i), keeping K unanswered at a
//        time, and reports {"type":"loadDone","count","answered","errors","duplicates",
//        "unexpected","elapsedMs","rps","p50Ms","p99Ms","meanMs"} when all are answered.
//   {"cmd":"kick"}                      server-side namespace disconnect of every plugin socket
//   {"cmd":"drop"}                      close the connections under them (transport close)
//   {"cmd":"exit"}
// A load is bounded by what the plugin answers: the hub never resends.
"use strict";

const http = require("http");
const readline = require("readline");
const { Server } = require("socket.io");

const env = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
const out = (record) => process.stdout.write(JSON.stringify(record) + "\n");

const httpServer = http.createServer();
const io = new Server(httpServer, {
  transports: ["websocket"],
  pingInterval: env("PING_INTERVAL", 25000),
  pingTimeout: env("PING_TIMEOUT", 20000),
  maxHttpBufferSize: env("MAX_PAYLOAD", 1e7),
});
const plugin = io.of("/plugin");

// The running load, if any: sessions it sent and when, and what came back.
let load = null;

function loadAnswered(payload) {
  if (!load || !payload || typeof payload !== "object") return false;
  const session = payload.session;
  if (typeof session !== "string" || !session.startsWith(load.prefix)) return false;
  const index = Number(session.slice(load.prefix.length));
  if (!Number.isInteger(index) || index < 0 || index >= load.count) {
    load.unexpected += 1;
    return true;
  }
  if (load.answeredAt[index] !== undefined) {
    load.duplicates += 1;
    return true;
  }
  const now = process.hrtime.bigint();
  load.answeredAt[index] = now;
  load.latencies.push(Number(now - load.sentAt[index]) / 1e6);
  load.answered += 1;
  if (payload.error === true) load.errors += 1;
  load.outstanding -= 1;
  pumpLoad();
  if (load.answered === load.count) finishLoad();
  return true;
}

function pumpLoad() {
  while (load && load.next < load.count && load.outstanding < load.inFlight) {
    const index = load.next++;
    const payload = { ...load.template, session: load.prefix + index };
    load.sentAt[index] = process.hrtime.bigint();
    load.outstanding += 1;
    plugin.emit("plugin", payload);
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

function finishLoad() {
  const elapsedMs = Number(process.hrtime.bigint() - load.startedAt) / 1e6;
  const sorted = load.latencies.slice().sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  out({
    type: "loadDone",
    count: load.count,
    inFlight: load.inFlight,
    answered: load.answered,
    errors: load.errors,
    duplicates: load.duplicates,
    unexpected: load.unexpected,
    elapsedMs,
    rps: (load.answered / elapsedMs) * 1000,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: mean,
  });
  // Late duplicates of this load are still counted against the same prefix.
  load.finished = true;
}

function startLoad(command) {
  const count = Number(command.count) || 0;
  load = {
    count,
    inFlight: Math.max(1, Number(command.inFlight) || 1),
    template: command.template && typeof command.template === "object" ? command.template : {},
    prefix: typeof command.prefix === "string" ? command.prefix : "load-",
    verbose: command.verbose === true,
    next: 0,
    outstanding: 0,
    answered: 0,
    errors: 0,
    duplicates: 0,
    unexpected: 0,
    sentAt: new Array(count),
    answeredAt: new Array(count),
    latencies: [],
    startedAt: process.hrtime.bigint(),
    finished: false,
  };
  if (count === 0) finishLoad();
  else pumpLoad();
}

plugin.on("connection", (socket) => {
  out({ type: "connect", id: socket.id });
  socket.on("heartbeat", (payload) => out({ type: "heartbeat", payload }));
  socket.on("response", (payload) => {
    const counted = loadAnswered(payload);
    if (!counted || (load && load.verbose)) out({ type: "response", payload });
  });
  socket.on("log", (payload) => {
    const quiet = load && !load.verbose && payload && typeof payload.session === "string" &&
      payload.session.startsWith(load.prefix);
    if (!quiet) out({ type: "log", payload });
  });
  socket.onAny((name, ...args) => {
    if (name !== "heartbeat" && name !== "response" && name !== "log") out({ type: "event", name, args });
  });
  socket.on("disconnect", (reason) => out({ type: "disconnect", id: socket.id, reason }));
});

function run(command) {
  switch (command.cmd) {
    case "plugin":
      plugin.emit("plugin", command.payload);
      break;
    case "emit":
      plugin.emit(command.name, ...(Array.isArray(command.args) ? command.args : []));
      break;
    case "load":
      startLoad(command);
      break;
    case "kick":
      plugin.disconnectSockets(true);
      break;
    case "drop":
      for (const socket of plugin.sockets.values()) socket.conn.close();
      break;
    case "exit":
      process.exit(0);
      break;
    default:
      out({ type: "error", message: `unknown command ${JSON.stringify(command.cmd)}` });
  }
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  if (!line.trim()) return;
  let command;
  try {
    command = JSON.parse(line);
  } catch (e) {
    out({ type: "error", message: `not JSON: ${e.message}` });
    return;
  }
  run(command);
}).on("close", () => process.exit(0)); // the test that drove us is gone

httpServer.listen(env("PORT", 0), "127.0.0.1", () => {
  console.log(`PORT=${httpServer.address().port}`);
});

process.on("SIGTERM", () => process.exit(0));
