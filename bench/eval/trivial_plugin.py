# The trivial model plugin of bench_eval_batch: one fixed box per image, nothing decoded.
from imerit_ango.plugins import ModelPlugin, run


def run_model(data):
    schema = data.get("categorySchema") or []
    box = {"bounding-box": {"x": 20, "y": 30, "width": 50, "height": 60}, "confidence": 0.9}
    if schema:
        box["schemaId"] = schema[0]["schemaId"]
    return {"objects": [box], "classifications": [], "relations": []}


if __name__ == "__main__":
    run(ModelPlugin(id="bench", secret="bench", callback=run_model), host="https://plugin.imerit.ango.ai")
