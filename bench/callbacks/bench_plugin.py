# The model plugin both sides of bench_python_callback call: the documented sample's work (decode
# configJSON, one box mapped to the first class), optionally with its two logger calls.
import json

from imerit_ango.plugins import ModelPlugin, run


def run_model(data):
    config = json.loads(data.get("configJSON") or "{}")
    logger = data.get("logger")
    if config.get("log") and logger:
        logger.info("Plugin session is started!")
    box = {"bounding-box": {"x": 20, "y": 30, "width": 50, "height": 60}}
    schema = data.get("categorySchema")
    if schema:
        box["schemaId"] = schema[0]["schemaId"]
    answer = {"objects": [box], "classifications": [], "relations": []}
    if config.get("log") and logger:
        logger.info("Plugin session is ended!")
    return answer


if __name__ == "__main__":
    run(ModelPlugin(id="bench", secret="bench", callback=run_model), host="https://plugin.imerit.ango.ai")
