#!/usr/bin/python3
"""A model plugin written the way the imerit-ango SDK runs one, for tests of the local hub.

socketio.Client (reconnection off, websocket transport) with a ClientNamespace on /plugin:
a heartbeat {id, secret} on connect and then every HEARTBEAT_INTERVAL seconds; on `plugin` it
fetches its asset through the REST API (GET /v2/project/{id}/assets with the apikey header,
then GET of the asset's `data` URL), logs through the `log` event like PluginLogger, and answers
with `response` {"response", "session"} (interactive) or POST /v2/annotate/{taskId} (workflow).

Environment: ANGO_HOST, ANGO_API_HOST, ANGO_PLUGIN_ID, ANGO_PLUGIN_SECRET, HEARTBEAT_INTERVAL
(seconds, default 60). The run's configJSON may hold {"fail": "message"} to make the callback
fail, which is answered the newest SDK's way: `response` {"error": true, "session"}.

stdout, one line each: CONNECTED, REFUSED <message>, RUN <session>, DONE <session>.
Run with /usr/bin/python3 (Debian's python3-socketio and python3-websocket).
"""
import hashlib
import json
import logging
import os
import sys
import threading
import urllib.parse
import urllib.request

import socketio

logging.basicConfig(level=os.environ.get("LOGLEVEL", "WARNING"))


def say(line):
    print(line, flush=True)


def rest(api_host, api_key, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(api_host + path, data=data, method=method)
    request.add_header("apikey", api_key)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.loads(reply.read())


def fetch_asset(api_host, data):
    """The v3 samples' way: the asset by id through the SDK call, then its file by URL."""
    # Encoded as requests encodes params: form style, so the space in the JSON becomes '+'.
    query = urllib.parse.urlencode({"page": 1, "limit": 10, "filters": json.dumps({"_id": data["assetId"]})})
    listing = rest(api_host, data["apiKey"], "GET", "/v2/project/%s/assets?%s" % (data["projectId"], query))
    asset = listing["data"]["assets"][0]
    with urllib.request.urlopen(asset["data"], timeout=10) as reply:
        content = reply.read()
    return asset, content


class ModelPlugin(socketio.ClientNamespace):
    def __init__(self, plugin_id, secret, api_host):
        super().__init__("/plugin")
        self.plugin_id = plugin_id
        self.secret = secret
        self.api_host = api_host

    def heartbeat(self):
        self.emit("heartbeat", {"id": self.plugin_id, "secret": self.secret})

    def on_connect(self):
        self.heartbeat()
        say("CONNECTED")

    def on_connect_error(self, data=None):
        message = data.get("message") if isinstance(data, dict) else data
        say("REFUSED %s" % message)
        os._exit(3)

    def on_disconnect(self):
        logging.getLogger("plugin").info("Disconnected")

    def log(self, data, level, msg):
        self.emit("log", {"level": level, "organization": data.get("orgId"), "pluginId": self.plugin_id,
                          "runBy": data.get("runBy"), "session": data.get("session"), "msg": msg})

    def on_plugin(self, data):
        session = data.get("session", "")
        say("RUN %s" % session)
        self.log(data, "INFO", "Plugin session is started!")
        config = json.loads(data["configJSON"]) if data.get("configJSON") else {}
        if config.get("fail"):
            self.log(data, "ERROR", config["fail"])
            self.emit("response", {"error": True, "session": session})
            return
        asset, content = fetch_asset(self.api_host, data)
        box = {"bounding-box": {"x": 20, "y": 30, "width": 50, "height": 60}}
        schema = data.get("categorySchema")
        if schema:
            box["schemaId"] = schema[0]["schemaId"]
        answer = {"objects": [box], "classifications": [], "relations": []}
        result = dict(answer, externalId=asset["externalId"],
                      assetSha256=hashlib.sha256(content).hexdigest(), config=config)
        self.log(data, "INFO", "Plugin session is ended!")
        if data.get("workflow"):
            rest(self.api_host, data["apiKey"], "POST",
                 "/v2/annotate/%s?nextStage=true&isPlugin=true" % data["taskId"],
                 {"answer": answer, "duration": 0, "assetSha256": result["assetSha256"]})
        else:
            self.emit("response", {"response": result, "session": session})
        say("DONE %s" % session)


def main():
    host = os.environ["ANGO_HOST"]
    plugin = ModelPlugin(os.environ["ANGO_PLUGIN_ID"], os.environ["ANGO_PLUGIN_SECRET"],
                         os.environ.get("ANGO_API_HOST", host))
    client = socketio.Client(logger=logging.getLogger("plugin"), reconnection=False)
    client.register_namespace(plugin)
    interval = float(os.environ.get("HEARTBEAT_INTERVAL", "60"))

    def beat():
        if client.connected:
            try:
                plugin.heartbeat()
            except socketio.exceptions.BadNamespaceError:
                say("REFUSED namespace dropped")
                os._exit(3)
        timer = threading.Timer(interval, beat)
        timer.daemon = True
        timer.start()

    try:
        client.connect(host, namespaces=["/plugin"], transports=["websocket"], wait_timeout=5)
    except socketio.exceptions.ConnectionError as error:
        logging.critical(error)
        sys.exit(1)
    first = threading.Timer(interval, beat)
    first.daemon = True
    first.start()
    client.wait()


if __name__ == "__main__":
    main()
