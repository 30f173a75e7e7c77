# A model plugin for the eval tests, in the SDK's style. Each "image" is a JSON file naming the
# objects the model "sees" ({"objects": [{"cls", "box": [x, y, w, h], "score"}]}), so the tests know
# the answers. configJSON: {"log": PATH} appends the image name per call, {"delay": s} waits,
# {"variant": V} keeps only the objects without a "variant" or with variant V (A/B tests).
import json
import os
import time
from urllib.parse import urlparse, unquote
from urllib.request import urlopen

from imerit_ango.plugins import ModelPlugin, run


def run_model(data):
    config = json.loads(data.get("configJSON") or "{}")
    path = unquote(urlparse(data["dataURL"]).path)
    if config.get("log"):
        with open(config["log"], "a") as log:
            log.write(os.path.basename(path) + "\n")
    if config.get("delay"):
        time.sleep(config["delay"])
    if urlparse(data["dataURL"]).scheme in ("http", "https"):  # a live project's asset URL
        with urlopen(data["dataURL"], timeout=30) as response:
            seen = json.loads(response.read())
    else:
        with open(path) as image:
            seen = json.load(image)
    schema = {entry["modelClass"]: entry["schemaId"] for entry in data.get("categorySchema") or []}
    objects = []
    for obj in seen["objects"]:
        if obj.get("variant", config.get("variant")) != config.get("variant"):
            continue
        x, y, w, h = obj["box"]
        out = {"bounding-box": {"x": x, "y": y, "width": w, "height": h}, "confidence": obj["score"]}
        if obj["cls"] in schema:
            out["schemaId"] = schema[obj["cls"]]
        else:
            out["title"] = obj["cls"]
        objects.append(out)
    return {"objects": objects, "classifications": [], "relations": []}


plugin = ModelPlugin(id="eval-test", secret="unused", callback=run_model)

if __name__ == "__main__":
    run(plugin, host="https://plugin.imerit.ango.ai")
