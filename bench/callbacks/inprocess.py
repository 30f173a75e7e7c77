# The in-process baseline of bench_python_callback: the same callback, the same request, called
# directly in one Python process. Prints {"p50_ms", "p99_ms"} as JSON.
#   python3 inprocess.py SCRIPT COUNT REQUEST_JSON
import importlib.util
import json
import logging
import sys
import time


class QuietLogger(logging.Logger):
    def info(self, msg, *args, **kwargs):
        pass


def main(script, count, request_text):
    spec = importlib.util.spec_from_file_location("bench_plugin", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    request = json.loads(request_text)
    samples = []
    for _ in range(count + count // 10):
        data = dict(request)
        data["logger"] = QuietLogger("logger")
        start = time.perf_counter_ns()
        module.run_model(data)
        samples.append((time.perf_counter_ns() - start) / 1e6)
    samples = sorted(samples[count // 10:])  # the first tenth warms up
    pick = lambda p: samples[min(len(samples) - 1, int(p * len(samples)))]
    print(json.dumps({"p50_ms": pick(0.5), "p99_ms": pick(0.99)}))


if __name__ == "__main__":
    sys.path.append(sys.argv[4] if len(sys.argv) > 4 else "")
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
