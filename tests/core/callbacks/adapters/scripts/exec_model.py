# An exec: model: one JSON request per line on stdin, one JSON result per line on stdout.
import json
import os
import sys
import time

for line in sys.stdin:
    request = json.loads(line)
    action = json.loads(request.get("configJSON") or "{}").get("action", "echo")
    if action == "echo":
        print("working on %s" % request.get("assetId"), file=sys.stderr)
        result = {"echo": request, "pid": os.getpid()}
    elif action == "noise":
        print("loading model...")  # not JSON: shown as output, not taken as the result
        result = {"quiet": False}
    elif action == "error":
        result = {"error": "no such asset"}
    elif action == "exit":
        os._exit(5)
    elif action == "hang":
        print("hanging", file=sys.stderr, flush=True)
        time.sleep(600)
    print(json.dumps(result), flush=True)
