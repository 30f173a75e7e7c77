# A hostile SDK-style plugin: configJSON {"action": ...} picks the misbehaviour.
import json
import os
import subprocess
import sys

from imerit_ango.plugins import ModelPlugin, run


def nested(depth):
    value = []
    for _ in range(depth):
        value = [value]
    return value


def run_model(data):
    config = json.loads(data.get("configJSON") or "{}")
    action = config.get("action")
    if action == "deep":  # deeper than the console takes, within what json.dumps can write
        sys.setrecursionlimit(50000)
        return nested(config["depth"])
    if action == "too_deep_for_python":  # json.dumps raises RecursionError
        return nested(config["depth"])
    if action == "spawn":
        child = subprocess.Popen(["sleep", "300"])
        return {"child": child.pid}
    if action == "env":
        return {"secret": os.environ.get("ANGO_PLUGIN_SECRET")}
    return {"ok": True}


plugin = ModelPlugin(id="plugin-id", secret="plugin-secret", callback=run_model)

if __name__ == "__main__":
    run(plugin)
