"""The shim's run(): connects a plugin to a hub the way the SDK does, with the standard library only.

Used when a script runs on its own (`python3 script.py` with the shim on PYTHONPATH, as the
console's Local hub start line does) and the real imerit-ango package is not installed. Inside the
console's bridge run() returns at once instead (see plugins.run).

Wire: Engine.IO v4 over one WebSocket (`/socket.io/?EIO=4&transport=websocket`), Socket.IO v5 on
the namespace /plugin. Like the SDK: a heartbeat {id, secret} on connect and every 60 s; each
`plugin` event runs the callback on its own thread and answers with a `response` event
{"response", "session"} (or {"error": true, "session"} when the callback raised); a workflow run
posts its answer to /v2/annotate/{taskId}?nextStage=true&isPlugin=true instead. A refused
connection or a lost hub ends the process with exit code 1, as the SDK does.

The console's start line sets ANGO_HOST, ANGO_API_HOST, ANGO_PLUGIN_ID and ANGO_PLUGIN_SECRET;
they win over the host, id and secret the script hard-codes, so an unmodified script reaches the
local hub. The secret is never printed.
"""

import base64
import inspect
import json
import logging
import os
import socket
import ssl
import struct
import sys
import threading
import traceback
import urllib.parse

HEARTBEAT_SECONDS = 60
CONNECT_TIMEOUT_SECONDS = 10
MAX_MESSAGE_BYTES = 16 * 1024 * 1024  # a run payload is small; anything bigger is a broken peer
MAX_HEAD_BYTES = 16 * 1024
NAMESPACE = "/plugin"

PAYLOAD_KEYS = {
    "projectId", "categorySchema", "apiKey", "orgId", "runBy", "session", "configJSON", "tags",
    "batches", "workflow", "taskId", "labeltask", "assetId", "dataURL", "overwrite", "logger",
}


def say(text):
    print("imerit_ango (console shim): " + text, file=sys.stderr, flush=True)


class HubError(Exception):
    pass


class WebSocket:
    """A client WebSocket: text messages only, pings answered, sends serialised by a lock."""

    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        secure = parts.scheme in ("https", "wss")
        port = parts.port or (443 if secure else 80)
        self.host = parts.hostname or ""
        self.lock = threading.Lock()
        try:
            raw = socket.create_connection((self.host, port), timeout=CONNECT_TIMEOUT_SECONDS)
        except socket.gaierror:
            raise HubError("cannot resolve host %s" % self.host)
        except ConnectionRefusedError:
            raise HubError("%s refused the connection on port %d - is the hub running?" % (self.host, port))
        except socket.timeout:
            raise HubError("%s:%d did not answer within %d s" % (self.host, port, CONNECT_TIMEOUT_SECONDS))
        except OSError as e:
            raise HubError("cannot connect to %s:%d: %s" % (self.host, port, e.strerror or e))
        if secure:
            try:
                raw = ssl.create_default_context().wrap_socket(raw, server_hostname=self.host)
            except ssl.SSLError as e:
                raise HubError("TLS with %s failed: %s" % (self.host, e.reason or e))
        self.sock = raw
        self.buffer = b""
        path = (parts.path.rstrip("/") or "") + "/socket.io/?EIO=4&transport=websocket"
        key = base64.b64encode(os.urandom(16)).decode()
        request = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, self.host, port, key))
        self.sock.sendall(request.encode())
        head = self._read_head()
        status = head.split(b"\r\n", 1)[0].decode("latin-1")
        if " 101 " not in status + " ":
            raise HubError("%s did not accept the plugin connection (%s)" % (self.host, status.strip()))
        self.sock.settimeout(None)

    def _read_head(self):
        while b"\r\n\r\n" not in self.buffer:
            if len(self.buffer) > MAX_HEAD_BYTES:
                raise HubError("%s sent an oversized HTTP head" % self.host)
            chunk = self.sock.recv(4096)
            if not chunk:
                raise HubError("%s closed the connection during the handshake" % self.host)
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        return head

    def _exactly(self, count):
        while len(self.buffer) < count:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise HubError("the hub closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def send_frame(self, opcode, payload):
        header = bytes([0x80 | opcode])
        size = len(payload)
        if size < 126:
            header += bytes([0x80 | size])
        elif size < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", size)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", size)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        with self.lock:
            self.sock.sendall(header + mask + masked)

    def send_text(self, text):
        self.send_frame(0x1, text.encode("utf-8"))

    def receive_text(self):
        """The next text message; None when the hub closed the connection."""
        message = b""
        while True:
            first, second = self._exactly(2)
            opcode, final = first & 0x0F, bool(first & 0x80)
            size = second & 0x7F
            if size == 126:
                size = struct.unpack("!H", self._exactly(2))[0]
            elif size == 127:
                size = struct.unpack("!Q", self._exactly(8))[0]
            if size + len(message) > MAX_MESSAGE_BYTES:
                raise HubError("the hub sent a message over %d bytes" % MAX_MESSAGE_BYTES)
            mask = self._exactly(4) if second & 0x80 else None
            payload = self._exactly(size)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                return None
            if opcode == 0x9:
                self.send_frame(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            message += payload
            if final:
                return message.decode("utf-8", "replace")

    def close(self):
        try:
            self.send_frame(0x8, b"")
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass


class HubLogger(logging.Logger):
    """data["logger"]: the SDK PluginLogger's `log` event, also printed locally."""

    def __init__(self, connection, data):
        logging.Logger.__init__(self, "logger")
        self.connection = connection
        self.data = data

    def _send(self, level, msg, args):
        text = str(msg) + " ".join(str(a) for a in args)
        print("[%s] %s" % (level, text), file=sys.stderr, flush=True)
        self.connection.emit("log", {"level": level, "organization": self.data.get("orgId"),
                                     "pluginId": self.connection.plugin_id, "runBy": self.data.get("runBy"),
                                     "session": self.data.get("session"), "msg": text})

    def debug(self, msg, *args, **kwargs):
        self._send("DEBUG", msg, args)

    def info(self, msg, *args, **kwargs):
        self._send("INFO", msg, args)

    def warning(self, msg, *args, **kwargs):
        self._send("WARNING", msg, args)

    def error(self, msg, *args, **kwargs):
        self._send("ERROR", msg, args)

    def critical(self, msg, *args, **kwargs):
        self._send("ERROR", msg, args)

    def exception(self, msg, *args, **kwargs):
        self._send("ERROR", msg, args)


def calling_convention(fn):
    """'dict' for `def cb(data)` (newest SDK), 'kwargs' for `def cb(**data)` (older SDKs)."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return "dict"
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if not positional:
        return "dict" if any(p.kind == p.VAR_POSITIONAL for p in params) else "kwargs"
    return "kwargs" if all(p.name in PAYLOAD_KEYS for p in positional) else "dict"


def plain(value):
    """An AnnotationPayload-like result is sent as its toDict()."""
    to_dict = getattr(value, "toDict", None)
    return to_dict() if callable(to_dict) else value


class Connection:
    def __init__(self, plugin, host):
        self.plugin = plugin
        self.host = os.environ.get("ANGO_HOST") or host or ""
        self.api_host = os.environ.get("ANGO_API_HOST") or getattr(plugin, "host", None) or self.host
        self.plugin_id = os.environ.get("ANGO_PLUGIN_ID") or plugin.id
        self.secret = os.environ.get("ANGO_PLUGIN_SECRET") or getattr(plugin, "secret", None)
        self.callback = plugin.callback
        self.convention = calling_convention(self.callback) if self.callback else "dict"
        self.ws = None
        self.stopped = threading.Event()

    def emit(self, event, data):
        self.ws.send_text("42%s,%s" % (NAMESPACE, json.dumps([event, data])))

    def heartbeat(self):
        self.emit("heartbeat", {"id": self.plugin_id, "secret": self.secret})

    def beat_forever(self):
        while not self.stopped.wait(HEARTBEAT_SECONDS):
            try:
                self.heartbeat()
            except OSError as e:
                say("the heartbeat failed: %s" % e)
                os._exit(1)

    def annotate(self, data, answer):
        from imerit_ango.sdk import SDK

        sdk = SDK(data.get("apiKey"), host=self.api_host)
        sdk._request("POST", "/v2/annotate/%s" % data.get("taskId"),
                     {"nextStage": "true", "isPlugin": "true"}, {"answer": answer, "duration": 0})

    def on_plugin(self, data):
        session = data.get("session", "")
        data = dict(data)
        data.setdefault("batches", data.get("tags") or [])
        data["logger"] = HubLogger(self, data)
        try:
            result = self.callback(**data) if self.convention == "kwargs" else self.callback(data)
            result = plain(result)
            if data.get("workflow"):
                answer = result.get("answer", result) if isinstance(result, dict) else result
                self.annotate(data, answer)
            elif result is not None:
                self.emit("response", {"response": result, "session": session})
        except Exception:
            traceback.print_exc()
            data["logger"].error("the callback failed: %s" % traceback.format_exc(limit=1).strip())
            if not data.get("workflow"):
                self.emit("response", {"error": True, "session": session})

    def dispatch(self, text):
        """One Engine.IO message; False when the session is over."""
        if text == "2":
            self.ws.send_text("3")
            return True
        if text.startswith("1"):
            return False
        if not text.startswith("4"):
            return True
        packet = text[1:]
        kind, rest = packet[:1], packet[1:]
        if rest.startswith(NAMESPACE):
            rest = rest[len(NAMESPACE):].lstrip(",")
        if kind == "0":
            self.heartbeat()
            say("connected to %s as plugin %s" % (self.host, self.plugin_id))
            threading.Thread(target=self.beat_forever, daemon=True).start()
        elif kind == "4":
            try:
                reason = json.loads(rest).get("message", rest)
            except (ValueError, AttributeError):
                reason = rest
            say("the hub refused plugin ID %s: %s" % (self.plugin_id, reason))
            os._exit(1)
        elif kind == "1":
            return False
        elif kind == "2":
            start = rest.find("[")  # an ack id may precede the array
            try:
                event = json.loads(rest[start:]) if start >= 0 else []
            except ValueError:
                return True
            if event and event[0] == "plugin" and len(event) > 1 and isinstance(event[1], dict):
                threading.Thread(target=self.on_plugin, args=(event[1],), daemon=True).start()
        return True

    def serve(self):
        self.ws = WebSocket(self.host)
        opening = self.ws.receive_text()
        if not opening or not opening.startswith("0"):
            raise HubError("%s is not a Socket.IO hub (it sent %r)" % (self.ws.host, (opening or "")[:80]))
        try:
            handshake = json.loads(opening[1:])
            silence = (handshake.get("pingInterval", 25000) + handshake.get("pingTimeout", 20000)) / 1000.0
        except (ValueError, AttributeError, TypeError):
            silence = 45.0
        # The hub pings every pingInterval: silence past interval + timeout means it is gone.
        self.ws.sock.settimeout(silence)
        self.ws.send_text("40%s," % NAMESPACE)
        while True:
            try:
                text = self.ws.receive_text()
            except socket.timeout:
                raise HubError("%s sent nothing for %g s (no ping): the hub is gone" % (self.ws.host, silence))
            if text is None or not self.dispatch(text):
                break
        self.stopped.set()
        self.ws.close()


def run(plugin, host=None):
    if plugin is None or plugin.callback is None:
        say("run() needs a plugin with a callback")
        os._exit(1)
    connection = Connection(plugin, host)
    if not connection.host:
        say("no hub host: set ANGO_HOST or pass host= to run()")
        os._exit(1)
    try:
        connection.serve()
    except HubError as e:
        say(str(e))
        os._exit(1)
    except OSError as e:
        say("the connection to %s failed: %s" % (connection.host, e))
        os._exit(1)
    except KeyboardInterrupt:
        pass
    say("disconnected from %s" % connection.host)
    os._exit(1)  # like the SDK: the process ends with its hub connection
