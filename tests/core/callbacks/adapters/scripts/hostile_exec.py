# A hostile exec: model: one JSON request per line on stdin; configJSON {"action": ...} picks
# which misbehaviour answers it.
import json
import os
import subprocess
import sys
import time

for line in sys.stdin:
    request = json.loads(line)
    config = json.loads(request.get("configJSON") or "{}")
    action = config.get("action", "echo")
    if action == "deep":  # written by hand: json.dumps itself would recurse
        depth = config["depth"]
        sys.stdout.write("[" * depth + "]" * depth + "\n")
    elif action == "big":  # one line of `boxes` boxes
        sys.stdout.write('{"objects":[')
        box = '{"bounding-box":{"x":1,"y":2,"width":3,"height":4},"schemaId":"car"}'
        sys.stdout.write(",".join([box] * config["boxes"]))
        sys.stdout.write("]}\n")
    elif action == "flood":  # `mb` megabytes of output on stderr, then a result
        chunk = ("x" * 1023 + "\n") * 1024
        for _ in range(config["mb"]):
            sys.stderr.write(chunk)
        sys.stderr.flush()
        print(json.dumps({"flooded": config["mb"]}))
    elif action == "spawn":  # a child of its own that would outlive it, then hang
        child = subprocess.Popen(["sleep", "300"])
        print("child %d" % child.pid, file=sys.stderr, flush=True)
        print(json.dumps({"child": child.pid}), flush=True)
        continue
    elif action == "spawn_and_hang":  # a child, then no answer: the call times out
        child = subprocess.Popen(["sleep", "300"])
        print("child %d" % child.pid, file=sys.stderr, flush=True)
        time.sleep(600)
    elif action == "env":
        print(json.dumps({"secret": os.environ.get("ANGO_PLUGIN_SECRET")}))
    else:
        print(json.dumps({"echo": action}))
    sys.stdout.flush()
