# Fails while being imported: the error must name this file and line 7.
import json

from imerit_ango.plugins import ModelPlugin

weights = json.loads("{}").get("weights")
raise RuntimeError("model weights not found")


def run_model(data):
    return {}
