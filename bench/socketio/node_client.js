// The official socket.io-client doing what bench_socketio_client does with ours: emit "echo" with
// an ack, IN_FLIGHT at a time, COUNT round trips after WARMUP, against URL. Prints one JSON line.
"use strict";
const { io } = require("socket.io-client");

const url = process.env.URL;
const count = Number(process.env.COUNT || 20000);
const warmup = Number(process.env.WARMUP || 2000);
const inFlight = Number(process.env.IN_FLIGHT || 1);

const socket = io(url, { transports: ["websocket"], reconnection: false });

function run(total, record) {
  return new Promise((resolve) => {
    let sent = 0;
    let done = 0;
    const latencies = record ? new Float64Array(total) : null;
    const sendOne = () => {
      const i = sent++;
      const t0 = process.hrtime.bigint();
      socket.emit("echo", { i, session: "bench-session" }, () => {
        if (latencies) latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
        if (++done === total) resolve(latencies);
        else if (sent < total) sendOne();
      });
    };
    for (let k = 0; k < Math.min(inFlight, total); ++k) sendOne();
  });
}

socket.on("connect", async () => {
  await run(warmup, false);
  const t0 = process.hrtime.bigint();
  const latencies = await run(count, true);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  latencies.sort();
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  console.log(JSON.stringify({ rps: count / seconds, p50: pct(0.5), p99: pct(0.99) }));
  socket.close();
  process.exit(0);
});
socket.on("connect_error", (e) => {
  console.error(`connect_error: ${e.message}`);
  process.exit(1);
});
