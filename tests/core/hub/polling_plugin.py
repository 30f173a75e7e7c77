#!/usr/bin/python3
"""A plugin in the SDK's style on python-socketio's asyncio client with the library's default
transports, as older SDK versions connect (no transports=["websocket"]): Engine.IO starts on HTTP
long-polling and then upgrades to a WebSocket. The sync client would need `requests` for polling,
which Debian's python3-socketio does not pull in; the asyncio client polls with aiohttp.

Environment: ANGO_HOST, ANGO_API_HOST, ANGO_PLUGIN_ID, ANGO_PLUGIN_SECRET, HEARTBEAT_INTERVAL
(seconds), TRANSPORTS ("default", or a comma list such as "polling" to stay on long-polling).
On `plugin` it fetches its asset through the REST API and answers with `response`
{"response": {"objects", "externalId", "config"}, "session"}.
stdout: CONNECTED, REFUSED <message>, RUN <session>, DONE <session>.
"""
import asyncio
import json
import os
import sys

import aiohttp
import socketio


def say(line):
    print(line, flush=True)


async def main():
    host = os.environ["ANGO_HOST"]
    api_host = os.environ.get("ANGO_API_HOST", host)
    plugin_id = os.environ["ANGO_PLUGIN_ID"]
    secret = os.environ["ANGO_PLUGIN_SECRET"]
    interval = float(os.environ.get("HEARTBEAT_INTERVAL", "60"))
    wanted = os.environ.get("TRANSPORTS", "default")
    client = socketio.AsyncClient(reconnection=False, engineio_logger=bool(os.environ.get("LOGLEVEL")))
    http = aiohttp.ClientSession()

    async def heartbeat():
        await client.emit("heartbeat", {"id": plugin_id, "secret": secret}, namespace="/plugin")

    @client.on("connect", namespace="/plugin")
    async def on_connect():
        await heartbeat()
        say("CONNECTED")

    @client.on("connect_error", namespace="/plugin")
    async def on_connect_error(data=None):
        say("REFUSED %s" % (data.get("message") if isinstance(data, dict) else data))
        os._exit(3)

    @client.on("plugin", namespace="/plugin")
    async def on_plugin(data):
        session = data.get("session", "")
        say("RUN %s" % session)
        headers = {"apikey": data["apiKey"]}
        params = {"page": 1, "limit": 10, "filters": json.dumps({"_id": data["assetId"]})}
        async with http.get("%s/v2/project/%s/assets" % (api_host, data["projectId"]),
                            params=params, headers=headers) as reply:
            asset = (await reply.json())["data"]["assets"][0]
        async with http.get(asset["data"]) as reply:
            await reply.read()
        config = json.loads(data["configJSON"]) if data.get("configJSON") else {}
        result = {"objects": [], "classifications": [], "relations": [],
                  "externalId": asset["externalId"], "config": config}
        await client.emit("response", {"response": result, "session": session}, namespace="/plugin")
        say("DONE %s" % session)

    try:
        await client.connect(host, namespaces=["/plugin"],
                             transports=None if wanted == "default" else wanted.split(","),
                             wait_timeout=5)
    except socketio.exceptions.ConnectionError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
    while True:
        await asyncio.sleep(interval)
        if client.connected:
            await heartbeat()


if __name__ == "__main__":
    asyncio.run(main())
