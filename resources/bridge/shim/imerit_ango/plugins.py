"""Shim of imerit_ango.plugins: plugin classes record themselves; run() connects only outside the console."""

import logging
import sys

__ango_console_shim__ = True

# Every plugin constructed while the console imported the script; the bridge takes the callback
# from here when the console is not told which function to call.
created = []


class PluginLogger(logging.Logger):
    """For scripts that build a logger themselves; inside a call the console hands its own logger."""

    def __init__(self, name="logger", *args, **kwargs):
        logging.Logger.__init__(self, name)

    def _print(self, level, msg, args):
        # The SDK's concatenation: message, then the extra arguments joined by a space.
        print("[%s] %s" % (level, str(msg) + " ".join(str(a) for a in args)), file=sys.stderr)

    def debug(self, msg, *args, **kwargs):
        self._print("DEBUG", msg, args)

    def info(self, msg, *args, **kwargs):
        self._print("INFO", msg, args)

    def warning(self, msg, *args, **kwargs):
        self._print("WARNING", msg, args)

    def error(self, msg, *args, **kwargs):
        self._print("ERROR", msg, args)


class Plugin:
    def __init__(self, *args, **kwargs):
        self.id = kwargs.get("id", kwargs.get("plugin_id", args[0] if args else None))
        self.host = kwargs.get("host")
        self.secret = kwargs.get("secret", kwargs.get("api_key"))
        if self.secret is None and len(args) > 1 and isinstance(args[1], str):
            self.secret = args[1]
        self.concurrency = kwargs.get("concurrency", 1)
        # ModelPlugin(id, secret, callback), Plugin(plugin_id, callback), or callback=...
        self.callback = kwargs.get("callback")
        if self.callback is None:
            self.callback = next((a for a in args if callable(a)), None)
        created.append(self)

    def start(self):
        pass


class ModelPlugin(Plugin):
    pass


class BatchModelPlugin(Plugin):
    pass


class ExportPlugin(Plugin):
    pass


class InputPlugin(Plugin):
    pass


def run(plugin=None, host=None, *args, **kwargs):
    """Inside the console's bridge the console runs the plugin itself: a script calling run() at
    module level just goes on. A script run on its own (the Local hub start line) connects to the
    hub like the SDK and serves runs until the connection ends."""
    if getattr(sys.modules.get("__main__"), "ANGO_CONSOLE_BRIDGE", False):
        return None
    from imerit_ango import hubclient

    return hubclient.run(plugin, host)
