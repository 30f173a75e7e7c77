# An exec: model for the fault tests: one JSON request per line on stdin, one JSON result per
# line on stdout. configJSON {"fault": ...} picks a misbehaviour:
#   "fail"  answer {"error": ...} (the callback reports a failure)
#   "hang"  say so on stderr, then never answer (the test kills the process)
# Anything else: one bounding box, as the SDK's sample.
import json
import os
import sys
import time

for line in sys.stdin:
    request = json.loads(line)
    session = request.get("session")
    try:
        config = json.loads(request.get("configJSON") or "{}")
    except ValueError:
        config = {}
    fault = config.get("fault") if isinstance(config, dict) else None
    if fault == "fail":
        result = {"error": "injected failure for %s" % session}
    elif fault == "hang":
        print("hanging on %s in pid %d" % (session, os.getpid()), file=sys.stderr, flush=True)
        time.sleep(600)
        continue
    else:
        result = {
            "objects": [{"bounding-box": {"x": 20, "y": 30, "width": 50, "height": 60}}],
            "classifications": [],
            "relations": [],
        }
    print(json.dumps(result), flush=True)
