// The SDK's ModelPlugin semantics on the official socket.io-client, for the benchmark.
//
//   node node_client.js http://127.0.0.1:PORT
//
// Namespace /plugin over websocket, heartbeat {"id","secret"} on connect and every 60 s, and per
// `plugin` event: two `log` events (the sample's logger lines), the sample's bounding box, then
// `response` {"response","session"}.
"use strict";

const path = require("path");
const { io } = require(path.join(__dirname, "../../tests/peers/node/node_modules/socket.io-client"));

const id = process.env.PLUGIN_ID || "bench-plugin";
const secret = process.env.ANGO_PLUGIN_SECRET || "bench-secret-0000";
const socket = io(process.argv[2] + "/plugin", { transports: ["websocket"] });

const heartbeat = () => socket.emit("heartbeat", { id, secret });
socket.on("connect", heartbeat);
setInterval(heartbeat, 60000).unref();

socket.on("plugin", (data) => {
  const log = (msg) =>
    socket.emit("log", { level: "INFO", organization: data.orgId, pluginId: id, runBy: data.runBy, session: data.session, msg });
  log("Plugin session is started!");
  const box = { "bounding-box": { x: 20, y: 30, width: 50, height: 60 } };
  if (Array.isArray(data.categorySchema) && data.categorySchema.length) box.schemaId = data.categorySchema[0].schemaId;
  log("Plugin session is ended!");
  socket.emit("response", { response: { objects: [box], classifications: [], relations: [] }, session: data.session });
});

process.on("SIGTERM", () => process.exit(0));
