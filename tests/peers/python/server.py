"""python-socketio (Debian 12: 5.7.2, engineio 4.3.4) as the second real peer of the client tests.

    /usr/bin/python3 server.py        (DEBUG_PEER=1 logs every packet to stderr)

Listens on 127.0.0.1, port 0, and prints "PORT=<n>" once listening. Quirks this peer shows on
purpose: its open packet has no maxPayload, events emitted in a connect handler reach the client
BEFORE the namespace's CONNECT reply, an unknown namespace gets a bare-string CONNECT_ERROR, and a
kick leaves the WebSocket open.

Namespace "/plugin": "echo" (returns its arguments: the ack), "shout" (emits them back),
"emit-back" (asks the client for an ack of "ack-me", reports it as "acked"), "kick". "/private"
refuses every connection with data {"code": 42}; any other namespace gets "Unable to connect".
"""

import asyncio
import os
import socket

import socketio
from aiohttp import web

debug = os.environ.get("DEBUG_PEER") == "1"
sio = socketio.AsyncServer(async_mode="aiohttp", logger=debug, engineio_logger=debug)
app = web.Application()
sio.attach(app)

PLUGIN = "/plugin"


@sio.event(namespace=PLUGIN)
async def connect(sid, environ, auth=None):
    # Sent before the CONNECT reply: the client must buffer it until the namespace is connected.
    await sio.emit("welcome", auth, to=sid, namespace=PLUGIN)


@sio.on("echo", namespace=PLUGIN)
async def echo(sid, *args):
    return args  # the ack payload; a tuple becomes several ack arguments


@sio.on("shout", namespace=PLUGIN)
async def shout(sid, *args):
    await sio.emit("shout", args, to=sid, namespace=PLUGIN)  # a tuple: several arguments


@sio.on("emit-back", namespace=PLUGIN)
async def emit_back(sid, *args):
    # Asks the client for an ack and reports the client's ack arguments back as "acked".
    async def acked(*ack_args):
        await sio.emit("acked", ack_args, to=sid, namespace=PLUGIN)

    await sio.emit("ack-me", args, to=sid, namespace=PLUGIN, callback=acked)


@sio.on("kick", namespace=PLUGIN)
async def kick(sid, *args):
    await sio.disconnect(sid, namespace=PLUGIN)


@sio.event(namespace="/private")
async def connect(sid, environ, auth=None):  # noqa: F811 (one connect handler per namespace)
    raise socketio.exceptions.ConnectionRefusedError("not authorized", {"code": 42})


async def main():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    runner = web.AppRunner(app)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    print(f"PORT={sock.getsockname()[1]}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
