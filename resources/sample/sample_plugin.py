"""The offline sandbox's sample model as an SDK-style plugin script, for the Local hub.

Unmodified imerit-ango style: ModelPlugin(...) and run(plugin, host) under __main__. It answers
every run with the bundled sample image's objects (sample-answer.json, next to this file), each
mapped to the run's categorySchema by its model class, as the console's built-in sample model
does. The console's Launch button starts it with the hub's environment and, when the SDK is not
installed, its imerit_ango shim.
"""
import json
import os

from imerit_ango.plugins import ModelPlugin, run

HERE = os.path.dirname(os.path.abspath(__file__))


def sample_callback(**data):
    logger = data.get("logger")
    if logger:
        logger.info("Sample model: detecting…")
    with open(os.path.join(HERE, "sample-answer.json"), encoding="utf-8") as f:
        detections = json.load(f)
    schema_of = {c["modelClass"]: c["schemaId"] for c in (data.get("categorySchema") or [])
                 if isinstance(c, dict) and "modelClass" in c and "schemaId" in c}
    objects = []
    for obj in detections.get("objects", []):
        model_class = obj.get("objectId", "").rsplit("-", 1)[0]
        obj = {k: v for k, v in obj.items() if k != "schemaId"}
        if model_class in schema_of:
            obj["schemaId"] = schema_of[model_class]
        obj["modelClass"] = model_class
        objects.append(obj)
    return {"objects": objects, "classifications": detections.get("classifications", []),
            "relations": []}


if __name__ == "__main__":
    print("sample plugin: starting", flush=True)
    plugin = ModelPlugin(id="sandbox-sample", secret="set-by-ANGO_PLUGIN_SECRET",
                         callback=sample_callback, host="https://imeritapi.ango.ai")
    run(plugin, host="https://plugin.imerit.ango.ai")
