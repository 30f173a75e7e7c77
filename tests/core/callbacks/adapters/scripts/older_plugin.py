# An SDK-style model plugin in the older style: `def cb(**data)`, ModelPlugin(...) and run(...)
# only under __main__ (the console must not run that block).
import json
import os

from imerit_ango.plugins import ModelPlugin, run


def sample_callback(**data):
    logger = data.get("logger")
    logger.info("Plugin session is started!")
    config = json.loads(data.get("configJSON") or "{}")
    schema = data.get("categorySchema")
    box = {"bounding-box": {"x": 20, "y": 30, "width": 50, "height": 60}}
    if schema:
        box["schemaId"] = schema[0]["schemaId"]
    return {
        "data": data.get("dataURL"),
        "answer": {"objects": [box], "classifications": [], "relations": []},
        "keys": sorted(data.keys()),
        "config": config,
    }


if __name__ == "__main__":
    plugin = ModelPlugin(id="plugin-id", secret="plugin-secret", callback=sample_callback)
    run(plugin, host="https://plugin.imerit.ango.ai")
    os._exit(99)  # never reached inside the console
