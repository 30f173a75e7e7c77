#!/usr/bin/python3
"""The SDK's ModelPlugin semantics on python-socketio (Debian python3-socketio), for the benchmark.

    /usr/bin/python3 python_client.py http://127.0.0.1:PORT

What imerit-ango's ModelPlugin + run() do on the wire, with the documented sample callback:
websocket-only client without auto-reconnect, namespace /plugin, a heartbeat {"id", "secret"} on
connect and every 60 s, and per `plugin` event: a PluginLogger whose info() emits a `log` event,
the callback (two logger lines, one bounding box), then `response` {"response", "session"}.
python-socketio runs every event handler on its own thread, as in the SDK. LOGLEVEL as the SDK.
"""
import logging
import os
import sys
import threading

import socketio

logging.basicConfig(level=os.environ.get("LOGLEVEL", "INFO"))
PLUGIN_ID = os.environ.get("PLUGIN_ID", "bench-plugin")
SECRET = os.environ.get("ANGO_PLUGIN_SECRET", "bench-secret-0000")


class PluginLogger(logging.Logger):
    def __init__(self, name, plugin_id, org_id, run_by, session, plugin, level=logging.NOTSET):
        super().__init__(name, level)
        self.plugin_id, self.org_id, self.run_by, self.session, self.plugin = plugin_id, org_id, run_by, session, plugin

    def info(self, msg, *args, **kwargs):
        payload = dict(kwargs, level="INFO", organization=self.org_id, pluginId=self.plugin_id,
                       runBy=self.run_by, session=self.session, msg=msg + " ".join(args))
        self.plugin.emit("log", payload, namespace="/plugin")
        logging.getLogger("plugin").info(msg)


def sample_callback(data):
    logger = data.get("logger")
    logger.info("Plugin session is started!")
    schema = data.get("categorySchema")
    box = {"bounding-box": {"x": 20, "y": 30, "width": 50, "height": 60}}
    if schema:
        box["schemaId"] = schema[0]["schemaId"]
    logger.info("Plugin session is ended!")
    return {"objects": [box], "classifications": [], "relations": []}


class ModelPlugin(socketio.ClientNamespace):
    def __init__(self, plugin_id, secret, callback):
        super().__init__("/plugin")
        self.id, self.secret, self.callback = plugin_id, secret, callback
        self.timer = None

    def heartbeat(self):
        self.emit("heartbeat", {"id": self.id, "secret": self.secret})

    def schedule(self):
        self.timer = threading.Timer(60, lambda: (self.heartbeat(), self.schedule()))
        self.timer.daemon = True
        self.timer.start()

    def on_connect(self):
        self.heartbeat()
        self.schedule()

    def on_disconnect(self):
        logging.getLogger("plugin").warning("Disconnected")
        os._exit(1)

    def on_plugin(self, data):
        data["logger"] = PluginLogger("logger", self.id, data.get("orgId"), data.get("runBy"),
                                      data.get("session"), self)
        data["batches"] = data.get("batches", data.get("tags", []))
        result = self.callback(data)
        self.emit("response", {"response": result, "session": data.get("session", "")})


def main():
    client = socketio.Client(logger=logging.getLogger("plugin"), reconnection=False)
    client.register_namespace(ModelPlugin(PLUGIN_ID, SECRET, sample_callback))
    client.connect(sys.argv[1], namespaces=["/plugin"], transports=["websocket"])
    client.wait()


if __name__ == "__main__":
    main()
