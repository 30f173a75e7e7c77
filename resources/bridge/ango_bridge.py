"""Ango Plugin Console bridge: runs an unmodified imerit-ango model-plugin script for the console.

The console starts one bridge per worker:

    python3 ango_bridge.py --channel-in 3 --channel-out 4 --shim-dir DIR SCRIPT [FUNCTION]

Protocol (version 1): JSON objects, one per line, UTF-8, on two file descriptors of their own, so
nothing the script prints (fd 1 and fd 2 stay the user's) can ever be read as a frame.
  console -> bridge (channel-in):  {"type": "call", "id": N, "request": {...hub payload...}}
  bridge -> console (channel-out): {"type": "ready", ...} once the script is imported, or
                                   {"type": "loadError", "message", "file", "line", "traceback"}
                                   {"type": "log", "id": N, "level": "INFO", "msg": "..."}
                                   {"type": "result", "id": N, "ok": true, "result": ...}
                                   {"type": "result", "id": N, "ok": false, "error": "...", "traceback": "..."}
The bridge handles one call at a time; the console runs a pool of bridges for concurrency, and
kills a bridge to cancel a call.
"""

import argparse
import ast
import dataclasses
import faulthandler
import importlib.machinery
import importlib.util
import inspect
import json
import logging
import os
import sys
import threading
import traceback

PROTOCOL_VERSION = 1
# The shim's run() returns at once when it finds this on __main__: the console runs the plugin.
ANGO_CONSOLE_BRIDGE = True
MODULE_NAME = "__ango_plugin__"
BRIDGE_FILE = os.path.abspath(__file__)

# Keys of the hub's `plugin` payload: a first parameter named like one of them means the callback
# takes the payload keyword-expanded (older SDKs: `def cb(projectId, **rest)`).
PAYLOAD_KEYS = {
    "projectId", "categorySchema", "apiKey", "orgId", "runBy", "session", "configJSON", "tags",
    "batches", "workflow", "taskId", "labeltask", "assetId", "dataURL", "overwrite", "logger",
}


class Channel:
    """The bridge's own framed channel; writes are locked because user threads may log."""

    def __init__(self, in_fd, out_fd):
        # The script may start subprocesses: they must not inherit the console's channel.
        os.set_inheritable(in_fd, False)
        os.set_inheritable(out_fd, False)
        self._in = os.fdopen(in_fd, "rb")
        self._out_fd = out_fd
        self._lock = threading.Lock()

    def send_raw(self, text):
        data = text.encode("utf-8", "replace") + b"\n"
        with self._lock:
            view = memoryview(data)
            while view:
                view = view[os.write(self._out_fd, view):]

    def send(self, message):
        self.send_raw(json.dumps(message, ensure_ascii=False, separators=(",", ":")))

    def receive(self):
        line = self._in.readline()
        return json.loads(line) if line else None


class BridgeLogger(logging.Logger):
    """What the script gets as data["logger"]: the SDK PluginLogger's surface, sent to the console."""

    def __init__(self, channel, call_id):
        logging.Logger.__init__(self, "logger")
        self._channel = channel
        self._call_id = call_id

    def _send(self, level, msg, args):
        # Like the SDK: the message, then the extra arguments joined by a space, no separator before them.
        text = str(msg) + " ".join(str(a) for a in args)
        self._channel.send({"type": "log", "id": self._call_id, "level": level, "msg": text})

    def debug(self, msg, *args, **kwargs):
        self._send("DEBUG", msg, args)

    def info(self, msg, *args, **kwargs):
        self._send("INFO", msg, args)

    def warning(self, msg, *args, **kwargs):
        self._send("WARNING", msg, args)

    warn = warning

    def error(self, msg, *args, **kwargs):
        self._send("ERROR", msg, args)

    def critical(self, msg, *args, **kwargs):
        self._send("ERROR", msg, args)

    fatal = critical

    def exception(self, msg, *args, **kwargs):
        self._send("ERROR", str(msg) + "\n" + traceback.format_exc().rstrip(), args)

    def log(self, level, msg, *args, **kwargs):
        if level >= logging.ERROR:
            self.error(msg, *args)
        elif level >= logging.WARNING:
            self.warning(msg, *args)
        elif level >= logging.INFO:
            self.info(msg, *args)
        else:
            self.debug(msg, *args)


class LoadFailure(Exception):
    def __init__(self, message, file=None, line=None, trace=""):
        Exception.__init__(self, message)
        self.message = message
        self.file = file
        self.line = line
        self.trace = trace


def is_machinery(filename):
    return filename.startswith("<frozen ") or os.path.abspath(filename) == BRIDGE_FILE


def user_traceback(exc):
    """The traceback from the first frame of the author's code on: neither the bridge's own frames
    nor the import machinery's are of interest to them."""
    tb = exc.__traceback__
    while tb is not None and is_machinery(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb))


def to_jsonable(obj):
    """json.dumps fallback for what model code returns besides plain dicts."""
    for name in ("toDict", "to_dict"):  # the SDK's Answer/AnnotationPayload, user classes
        method = getattr(obj, name, None)
        if callable(method):
            return method()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    if hasattr(obj, "tolist"):  # numpy arrays and scalars (float32 box coordinates)
        return obj.tolist()
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    raise TypeError("Object of type %s is not JSON serializable" % type(obj).__name__)


def dumps(value):
    return json.dumps(value, default=to_jsonable, allow_nan=False, ensure_ascii=False,
                      separators=(",", ":"))


def load_standins(shim_dir):
    """The shim's recording plugin classes, loaded privately to stand in for a real package's."""
    path = os.path.join(shim_dir, "imerit_ango", "plugins.py")
    spec = importlib.util.spec_from_file_location("_ango_console_standins", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def neutralise_real_package(plugins, standins):
    """The installed SDK must never connect or start its heartbeat scheduler from inside the console:
    its plugin classes (whose constructors start the scheduler) and run() are swapped for recording
    stand-ins before the script imports them."""
    base = getattr(plugins, "Plugin", None)
    for name, obj in list(vars(plugins).items()):
        if not isinstance(obj, type):
            continue
        is_plugin = (base is not None and issubclass(obj, base)) or name.endswith("Plugin")
        if is_plugin and getattr(obj, "__module__", "") == plugins.__name__:
            standin = getattr(standins, name, None)
            if not (isinstance(standin, type) and issubclass(standin, standins.Plugin)):
                standin = type(name, (standins.Plugin,), {})
            setattr(plugins, name, standin)
    plugins.run = standins.run
    try:
        import socketio

        def refuse_connect(self, *args, **kwargs):
            raise RuntimeError("plugin scripts do not connect to the hub inside Ango Plugin Console")

        socketio.Client.connect = refuse_connect
    except Exception:
        pass


def redirect_real_sdk(package, api_host):
    """Point the installed SDK at the console's API host, as the shim does."""
    try:
        sdk = importlib.import_module(package + ".sdk")
    except Exception:
        return
    original = getattr(getattr(sdk, "SDK", None), "__init__", None)
    if original is None:
        return

    def init(self, *args, **kwargs):
        if len(args) >= 2:
            args = (args[0], api_host) + tuple(args[2:])
        else:
            kwargs["host"] = api_host
        original(self, *args, **kwargs)

    sdk.SDK.__init__ = init


def install_sdk(shim_dir, api_host):
    """Makes `imerit_ango` (and the older `ango`) importable without letting them connect.
    Returns the lists the plugin constructors record themselves into, and whether the shim is used."""
    registries = []
    real = set()
    broken = False
    for package in ("imerit_ango", "ango"):
        try:
            plugins = importlib.import_module(package + ".plugins")
        except Exception as e:
            missing = isinstance(e, ModuleNotFoundError) and e.name in (package, package + ".plugins")
            if not missing:
                broken = True
                print("ango-bridge: the installed %s does not import (%s: %s); using the console's shim"
                      % (package, type(e).__name__, e), file=sys.stderr)
            for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
                del sys.modules[name]
            continue
        standins = load_standins(shim_dir)
        neutralise_real_package(plugins, standins)
        registries.append(standins.created)
        real.add(package)
        if api_host:
            redirect_real_sdk(package, api_host)
    # An installed package wins over the shim, unless it is broken.
    if broken:
        sys.path.insert(1, shim_dir)
    else:
        sys.path.append(shim_dir)
    if "imerit_ango" not in real:
        import imerit_ango.plugins as shim_plugins

        registries.append(shim_plugins.created)
    return registries, "imerit_ango" not in real


def location_in(trace_entries, path):
    """The deepest traceback entry inside the script: where the author has to look."""
    for entry in reversed(trace_entries):
        if os.path.abspath(entry.filename) == path:
            return entry.filename, entry.lineno
    return None, None


def import_script(path):
    loader = importlib.machinery.SourceFileLoader(MODULE_NAME, path)
    spec = importlib.util.spec_from_file_location(MODULE_NAME, path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE_NAME] = module
    try:
        loader.exec_module(module)
    except SyntaxError as e:
        where = "%s, line %s" % (e.filename or path, e.lineno)
        raise LoadFailure("cannot load plugin script %s: %s: %s" % (where, type(e).__name__, e.msg),
                          e.filename or path, e.lineno, user_traceback(e))
    except BaseException as e:
        if isinstance(e, SystemExit):
            summary = "the script called sys.exit(%r) while being imported" % (e.code,)
        else:
            summary = "".join(traceback.format_exception_only(type(e), e)).strip()
        file, line = location_in(traceback.extract_tb(e.__traceback__), path)
        where = "%s, line %s" % (file, line) if file else path
        raise LoadFailure("cannot load plugin script %s: %s" % (where, summary), file or path, line,
                          user_traceback(e))
    return module


def callback_names_in_source(path):
    """`callback=` arguments of every `...Plugin(...)` call in the script, also those under
    `if __name__ == "__main__":`, which the bridge does not run."""
    with open(path, "rb") as f:
        tree = ast.parse(f.read(), path)
    names = []

    def dotted(node):
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            inner = dotted(node.value)
            return inner + "." + node.attr if inner else None
        return None

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = dotted(node.func) or ""
        if not called.split(".")[-1].endswith("Plugin"):
            continue
        keyword = [k.value for k in node.keywords if k.arg == "callback"]
        for candidate in keyword or node.args:
            name = dotted(candidate)
            if name:
                names.append(name)
    return names


def resolve(module, dotted_name):
    obj = module
    for part in dotted_name.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def unique(callables):
    seen = []
    for c in callables:
        if not any(c is s or c == s for s in seen):
            seen.append(c)
    return seen


def find_callback(module, function_name, registries, path):
    if function_name:
        obj = resolve(module, function_name)
        if obj is None or not callable(obj):
            functions = sorted(n for n, v in vars(module).items()
                               if inspect.isfunction(v) and v.__module__ == MODULE_NAME)
            raise LoadFailure("%s has no function '%s' (its functions: %s)"
                              % (path, function_name, ", ".join(functions) or "none"), path)
        return obj
    recorded = unique(p.callback for registry in registries for p in registry
                      if callable(getattr(p, "callback", None)))
    if not recorded:
        recorded = unique(obj for obj in (resolve(module, n) for n in callback_names_in_source(path))
                          if callable(obj) and not isinstance(obj, type))
    if len(recorded) == 1:
        return recorded[0]
    if recorded:
        names = ", ".join(getattr(c, "__name__", repr(c)) for c in recorded)
        raise LoadFailure("%s hands several callbacks to its plugins (%s); name one: python:%s:FUNCTION"
                          % (path, names, path), path)
    raise LoadFailure("found no callback in %s: no ModelPlugin(..., callback=...) in the script; "
                      "name the function: python:%s:FUNCTION" % (path, path), path)


def calling_convention(fn):
    """'dict' for `def cb(data)` (newest SDK), 'kwargs' for `def cb(**data)` (older SDKs)."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return "dict"
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if not positional:
        return "dict" if any(p.kind == p.VAR_POSITIONAL for p in params) else "kwargs"
    if all(p.name in PAYLOAD_KEYS for p in positional):
        return "kwargs"
    return "dict"


def flush_user_streams():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def handle_call(channel, callback, convention, message):
    call_id = message.get("id")
    data = dict(message.get("request") or {})
    data.setdefault("batches", data.get("tags") or [])
    data["logger"] = BridgeLogger(channel, call_id)
    try:
        result = callback(**data) if convention == "kwargs" else callback(data)
    except BaseException as e:
        flush_user_streams()
        summary = "".join(traceback.format_exception_only(type(e), e)).strip()
        if isinstance(e, SystemExit):
            summary = "the callback called sys.exit(%r)" % (e.code,)
        channel.send({"type": "result", "id": call_id, "ok": False, "error": summary,
                      "traceback": user_traceback(e)})
        return
    flush_user_streams()
    try:
        encoded = dumps(result)
    except RecursionError:
        channel.send({"type": "result", "id": call_id, "ok": False, "traceback": "",
                      "error": "the callback's result is nested too deeply to be sent as JSON"})
        return
    except (TypeError, ValueError) as e:
        channel.send({"type": "result", "id": call_id, "ok": False,
                      "error": "the callback's result cannot be sent as JSON: %s" % e, "traceback": ""})
        return
    channel.send_raw('{"type":"result","id":%s,"ok":true,"result":%s}' % (json.dumps(call_id), encoded))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channel-in", type=int, required=True)
    parser.add_argument("--channel-out", type=int, required=True)
    parser.add_argument("--shim-dir", required=True)
    parser.add_argument("--api-host", default="")
    parser.add_argument("script")
    parser.add_argument("function", nargs="?", default="")
    args = parser.parse_args(argv)

    channel = Channel(args.channel_in, args.channel_out)
    faulthandler.enable()  # a segfault in model code leaves a Python traceback on stderr
    path = os.path.abspath(args.script)
    # Like `python script.py`: the script's folder first on sys.path, its own argv.
    sys.path[0] = os.path.dirname(path)
    sys.argv = [path]
    if args.api_host:
        os.environ["ANGO_CONSOLE_API_HOST"] = args.api_host

    try:
        registries, uses_shim = install_sdk(os.path.abspath(args.shim_dir), args.api_host)
        if not os.path.isfile(path):
            raise LoadFailure("cannot load plugin script %s: no such file" % path, path)
        module = import_script(path)
        callback = find_callback(module, args.function, registries, path)
        convention = calling_convention(callback)
    except LoadFailure as e:
        flush_user_streams()
        channel.send({"type": "loadError", "message": e.message, "file": e.file, "line": e.line,
                      "traceback": e.trace})
        return 3
    flush_user_streams()
    channel.send({"type": "ready", "protocol": PROTOCOL_VERSION, "pid": os.getpid(),
                  "callback": getattr(callback, "__qualname__", repr(callback)),
                  "convention": convention, "shim": uses_shim,
                  "python": "%d.%d.%d" % sys.version_info[:3]})

    while True:
        message = channel.receive()
        if message is None:  # the console closed the channel
            return 0
        if message.get("type") == "call":
            handle_call(channel, callback, convention, message)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
