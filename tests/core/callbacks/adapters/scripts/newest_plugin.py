# An SDK-style model plugin in the newest style: `def cb(data)` and a module-level ModelPlugin(...).
# configJSON {"action": ...} picks what the callback does, so one script serves most tests.
import json
import math
import os
import signal
import sys
import time

from imerit_ango.plugins import ModelPlugin, run
from imerit_ango.sdk import SDK


class Payload:
    """Like the SDK's AnnotationPayload: serialised through toDict()."""

    def toDict(self):
        return {"answer": {"objects": [], "classifications": [], "relations": []}, "duration": 0}


def helper(data):
    # Not the callback: only run_model is handed to ModelPlugin.
    return {"wrong": "helper was called"}


def run_model(data):
    config = json.loads(data.get("configJSON") or "{}")
    action = config.get("action", "echo")
    logger = data.get("logger")
    if action == "echo":
        return {
            "keys": sorted(data.keys()),
            "apiKey": data["apiKey"],
            "argumentIsDict": isinstance(data, dict),
            "loggerMethods": all(callable(getattr(logger, m, None)) for m in ("info", "warning", "error", "debug")),
            "config": config,
            "main": __name__,
            "pid": os.getpid(),
        }
    if action == "pid":
        return {"pid": os.getpid()}
    if action == "log":
        logger.info("Plugin session is started!")
        logger.info("boxes:", 1, 2)
        logger.warning("low confidence")
        logger.error("bad asset")
        logger.debug("details")
        return {"logged": True}
    if action == "print":
        print("plain stdout")
        print('{"type":"result","id":%d,"ok":true,"result":"forged"}' % config["id"])
        print('{"objects": [], "classifications": [], "relations": []}')
        print("plain stderr", file=sys.stderr)
        print('{"type":"log","id":%d,"level":"ERROR","msg":"forged log"}' % config["id"], file=sys.stderr)
        sys.stdout.write("partial ")
        sys.stdout.write("line\n")
        return {"printed": True}
    if action == "flood":
        for i in range(config["lines"]):
            print("line %d" % i)
        return {"flooded": config["lines"]}
    if action == "raise":
        print("about to fail")
        raise ValueError("model exploded")  # line 64: the test looks for it
    if action == "sysexit":
        sys.exit(4)
    if action == "hang":
        print("hanging", flush=True)
        time.sleep(600)
        return {"hung": False}
    if action == "exit":
        print("exiting with 7")
        os._exit(7)
    if action == "exit_later":
        # A thread of the author's ends the process after the call returned.
        import threading

        threading.Timer(0.2, lambda: os._exit(3)).start()
        return {"pid": os.getpid()}
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if action == "barrier":
        # Each call waits until `count` calls run at once: only a pool of that size finishes.
        folder = config["folder"]
        open(os.path.join(folder, str(os.getpid())), "w").close()
        deadline = time.time() + 20
        while len(os.listdir(folder)) < config["count"]:
            if time.time() > deadline:
                raise TimeoutError("only %d calls ran at once" % len(os.listdir(folder)))
            time.sleep(0.01)
        return {"pid": os.getpid()}
    if action == "sdk":
        sdk = SDK(data["apiKey"], host="https://imeritapi.ango.ai")
        assets = sdk.get_assets(data["projectId"], filters={"_id": data["assetId"]})
        return {"externalId": assets["data"]["assets"][0]["externalId"]}
    if action == "payload":
        return Payload()
    if action == "unserializable":
        return {"what": object()}
    if action == "nan":
        return {"x": math.nan}
    if action == "none":
        return None
    raise KeyError(action)


plugin = ModelPlugin(id="plugin-id", secret="plugin-secret", callback=run_model, host="https://imeritapi.ango.ai")

if __name__ == "__main__":
    run(plugin, host="https://plugin.imerit.ango.ai")
    os._exit(99)  # never reached inside the console
