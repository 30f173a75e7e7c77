// A plugin on the official socket.io-client 4.8, for tests of the local hub: joins /plugin over
// the websocket transport, beats {id, secret} on connect, and answers every `plugin` event with
// `response` {"response": {"objects": [], "payloadKeys": [...]}, "session"}: the keys the hub sent,
// sorted, so the test can check them exactly.
//
//   ANGO_HOST=http://127.0.0.1:PORT ANGO_PLUGIN_ID=ID ANGO_PLUGIN_SECRET=S node plugin_client.js
//
// stdout, one line each: CONNECTED, REFUSED <message>, RUN <session>.
"use strict";

const { io } = require("socket.io-client");

const say = (line) => process.stdout.write(line + "\n");
const socket = io(process.env.ANGO_HOST + "/plugin", { transports: ["websocket"], reconnection: false });

socket.on("connect", () => {
  socket.emit("heartbeat", { id: process.env.ANGO_PLUGIN_ID, secret: process.env.ANGO_PLUGIN_SECRET });
  say("CONNECTED");
});
socket.on("connect_error", (err) => {
  say("REFUSED " + err.message);
  process.exit(3);
});
socket.on("disconnect", (reason) => {
  say("DISCONNECTED " + reason);
  process.exit(0);
});
socket.on("plugin", (payload) => {
  say("RUN " + payload.session);
  socket.emit("log", { level: "INFO", organization: payload.orgId, pluginId: process.env.ANGO_PLUGIN_ID,
                       runBy: payload.runBy, session: payload.session, msg: "node plugin got the run" });
  socket.emit("response", {
    response: { objects: [], classifications: [], relations: [], payloadKeys: Object.keys(payload).sort(),
                configJSON: payload.configJSON, categorySchema: payload.categorySchema },
    session: payload.session,
  });
});
