// Plugin runtime benchmark: `ango-console run` vs the SDK's semantics on python-socketio vs the
// official socket.io-client, each against the same hub, at 1 and 64 requests in flight, demo
// callback. Latency = hub emits `plugin` → hub receives `response`. Two hubs: the emulated Node
// hub (tests/peers/node/hub.js, socket.io 4.8) and the project's own local hub (core/hub, driven
// by bench_localhub with the same line protocol), so the client's ceiling shows when one hub is
// the bottleneck.
//
//   node bench.js --console build/<dir>/app/ango-console [--count 20000] [--warmup 2000]
//                 [--inflight 1,64] [--clients console,python,node] [--hubs node,local]
//                 [--local-hub build/<dir>/bench/runtime/bench_localhub] [--rounds 3]
//
// Every client gets a fresh hub. The hub and client CPU time (from /proc) over the measured run
// is printed too: a hub near 100% of one core is the ceiling, not the client.
// Each hub and in-flight setting is measured in rounds, the clients taking turns (their order
// rotates from round to round), and the table shows each row's median over the rounds: on a
// shared machine the load moves between rows, and a single row per client would compare two
// different loads. Every round's figures are printed as they come (stderr).
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const readline = require("readline");
const { spawn } = require("child_process");

const root = path.resolve(__dirname, "../..");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const consolePath = option("--console", path.join(root, "build/runtime/app/ango-console"));
const count = Number(option("--count", 20000));
const warmup = Number(option("--warmup", 2000));
const inFlights = option("--inflight", "1,64").split(",").map(Number);
const clients = option("--clients", "console,python,node").split(",");
const localHubPath = option("--local-hub", path.join(path.dirname(consolePath), "../bench/runtime/bench_localhub"));
const hubs = option("--hubs", fs.existsSync(localHubPath) ? "node,local" : "node").split(",");
const rounds = Math.max(1, Number(option("--rounds", 3)));
const secret = "bench-secret-0123456789";
const ticksPerSecond = 100; // USER_HZ on Linux

const template = {
  projectId: "proj",
  categorySchema: [{ schemaId: "schema-1", modelClass: "car" }],
  assetId: "asset",
  apiKey: "bench-api-key-000000",
  orgId: "org",
  runBy: "user",
  configJSON: "",
};

function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond; // utime + stime
  } catch {
    return NaN;
  }
}

function startHub(kind) {
  const hub = kind === "local"
    ? spawn(localHubPath, ["bench-plugin"], {
      env: { ...process.env, ANGO_PLUGIN_SECRET: secret, QT_QPA_PLATFORM: "offscreen" },
      stdio: ["pipe", "pipe", "inherit"],
    })
    : spawn("node", [path.join(root, "tests/peers/node/hub.js")], {
      env: { ...process.env, PORT: "0" },
      stdio: ["pipe", "pipe", "inherit"],
    });
  const waiters = [];
  const records = [];
  let resolvePort;
  const port = new Promise((resolve) => (resolvePort = resolve));
  readline.createInterface({ input: hub.stdout }).on("line", (line) => {
    if (line.startsWith("PORT=")) return resolvePort(Number(line.slice(5)));
    let record;
    try {
      record = JSON.parse(line);
    } catch {
      return;
    }
    records.push(record);
    for (let i = waiters.length - 1; i >= 0; --i) {
      if (waiters[i].type === record.type) {
        waiters[i].resolve(record);
        waiters.splice(i, 1);
      }
    }
  });
  const waitFor = (type, timeoutMs = 120000) =>
    new Promise((resolve, reject) => {
      const seen = records.find((r) => r.type === type && !r.consumed);
      if (seen) {
        seen.consumed = true;
        return resolve(seen);
      }
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}`)), timeoutMs);
      waiters.push({ type, resolve: (r) => { clearTimeout(timer); r.consumed = true; resolve(r); } });
    });
  const command = (c) => hub.stdin.write(JSON.stringify(c) + "\n");
  return { process: hub, port, waitFor, command };
}

function startClient(kind, url) {
  const env = { ...process.env, ANGO_PLUGIN_SECRET: secret, LOGLEVEL: "WARNING", QT_QPA_PLATFORM: "offscreen" };
  const quiet = { env, stdio: ["ignore", "ignore", "inherit"] };
  switch (kind) {
    case "console":
      return spawn(consolePath, ["run", "--plugin-id", "bench-plugin", "--host", url, "--api-host", "http://127.0.0.1:9",
        "--concurrency", "64", "--log-format", "jsonl"], quiet);
    case "python":
      return spawn("/usr/bin/python3", [path.join(__dirname, "python_client.py"), url], quiet);
    case "node":
      return spawn("node", [path.join(__dirname, "node_client.js"), url], quiet);
    default:
      throw new Error(`unknown client ${kind}`);
  }
}

async function measure(hubKind, kind, inFlight) {
  const hub = startHub(hubKind);
  const port = await hub.port;
  const client = startClient(kind, `http://127.0.0.1:${port}`);
  try {
    await hub.waitFor("heartbeat", 30000);
    hub.command({ cmd: "load", count: warmup, inFlight, template, prefix: "warm-" });
    await hub.waitFor("loadDone");
    const hubCpu0 = cpuSeconds(hub.process.pid);
    const clientCpu0 = cpuSeconds(client.pid);
    hub.command({ cmd: "load", count, inFlight, template, prefix: "run-" });
    const done = await hub.waitFor("loadDone", 600000);
    const seconds = done.elapsedMs / 1000;
    return {
      hub: hubKind,
      client: kind,
      inFlight,
      ...done,
      hubCpu: (cpuSeconds(hub.process.pid) - hubCpu0) / seconds,
      clientCpu: (cpuSeconds(client.pid) - clientCpu0) / seconds,
      clientCpuUsPerRequest: ((cpuSeconds(client.pid) - clientCpu0) / done.answered) * 1e6,
    };
  } finally {
    client.kill("SIGTERM");
    hub.command({ cmd: "exit" });
    await new Promise((resolve) => (client.exitCode !== null ? resolve() : client.on("exit", resolve)));
  }
}

function median(values) {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// One row from a client's rounds: the median of each figure; every run must have been answered
// exactly once in every round, so counts are summed, not averaged.
function medianRow(rows) {
  const row = { ...rows[0] };
  for (const key of ["rps", "p50Ms", "p99Ms", "hubCpu", "clientCpu", "clientCpuUsPerRequest"])
    row[key] = median(rows.map((r) => r[key]));
  for (const key of ["answered", "duplicates", "errors", "unexpected"])
    row[key] = rows.reduce((sum, r) => sum + (r[key] || 0), 0);
  return row;
}

function pad(text, width) {
  text = String(text);
  return text.length >= width ? text : " ".repeat(width - text.length) + text;
}

async function main() {
  if (clients.includes("console") && !fs.existsSync(consolePath)) {
    console.error(`no ango-console at ${consolePath} (pass --console PATH)`);
    process.exit(2);
  }
  if (hubs.includes("local") && !fs.existsSync(localHubPath)) {
    console.error(`no bench_localhub at ${localHubPath} (pass --local-hub PATH or --hubs node)`);
    process.exit(2);
  }
  const loadBefore = os.loadavg()[0];
  const results = [];
  for (const hubKind of hubs) {
    for (const inFlight of inFlights) {
      const perRound = [];
      for (let round = 0; round < rounds; ++round) {
        const order = clients.map((_, i) => clients[(i + round) % clients.length]);
        for (const kind of order) {
          const r = await measure(hubKind, kind, inFlight);
          perRound.push(r);
          console.error(`round ${round + 1}/${rounds}, ${hubKind} hub, ${kind} @${inFlight}: ${r.rps.toFixed(0)} rps, ` +
            `p50 ${r.p50Ms.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms, hub CPU ${(r.hubCpu * 100).toFixed(0)}%, ` +
            `${r.clientCpuUsPerRequest.toFixed(1)} µs CPU/run, load ${os.loadavg()[0].toFixed(2)}` +
            (r.duplicates || r.errors || r.unexpected ? ` (duplicates ${r.duplicates}, errors ${r.errors})` : ""));
        }
      }
      for (const kind of clients)
        results.push(medianRow(perRound.filter((r) => r.client === kind)));
    }
  }
  console.log(`\n${count} requests per run (after ${warmup} warm-up), demo callback, a fresh hub per row; ` +
    `median of ${rounds} round(s) per row, clients taking turns; load average ${loadBefore.toFixed(2)} → ` +
    `${os.loadavg()[0].toFixed(2)}`);
  console.log(`${pad("hub", 5)} ${pad("client", 8)} ${pad("in flight", 9)} ${pad("rps", 8)} ${pad("p50 ms", 8)} ${pad("p99 ms", 8)} ` +
    `${pad("hub CPU", 8)} ${pad("client CPU", 10)} ${pad("µs CPU/req", 10)} ${pad("answered", 8)}`);
  for (const r of results)
    console.log(`${pad(r.hub, 5)} ${pad(r.client, 8)} ${pad(r.inFlight, 9)} ${pad(r.rps.toFixed(0), 8)} ${pad(r.p50Ms.toFixed(3), 8)} ` +
      `${pad(r.p99Ms.toFixed(3), 8)} ${pad((r.hubCpu * 100).toFixed(0) + "%", 8)} ${pad((r.clientCpu * 100).toFixed(0) + "%", 10)} ` +
      `${pad(r.clientCpuUsPerRequest.toFixed(1), 10)} ${pad(r.answered, 8)}`);
  console.log("");
  for (const hubKind of hubs) {
    for (const inFlight of inFlights) {
      const of = (kind) => results.find((r) => r.hub === hubKind && r.client === kind && r.inFlight === inFlight);
      const ours = of("console");
      if (!ours) continue;
      for (const other of ["python", "node"]) {
        const them = of(other);
        if (them)
          console.log(`${hubKind} hub @${inFlight} in flight: ango-console / ${other} = ${(ours.rps / them.rps).toFixed(2)}x rps, ` +
            `p50 ${ours.p50Ms.toFixed(3)} vs ${them.p50Ms.toFixed(3)} ms, ` +
            `CPU ${ours.clientCpuUsPerRequest.toFixed(1)} vs ${them.clientCpuUsPerRequest.toFixed(1)} µs/run`);
      }
    }
  }
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
