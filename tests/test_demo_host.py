"""The demo servers' listening socket: accepted connections send replies without Nagle's delay."""

from __future__ import annotations

import asyncio
import socket

from nmbrs_demo.host import tcp_listener


def test_connections_accepted_by_the_demo_listener_have_nagle_off() -> None:
    # asyncio sets TCP_NODELAY only on sockets whose protocol says TCP; a listener made with
    # protocol 0 hands out connections that wait for the client's delayed ACK on every reply
    async def accepted_nodelay() -> int:
        listener = tcp_listener("127.0.0.1", 0)
        listener.setblocking(False)
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def on_connect(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=listener)
        port = listener.getsockname()[1]
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            return await asyncio.wait_for(seen, 30)
        finally:
            writer.close()
            server.close()
            await server.wait_closed()

    assert asyncio.run(accepted_nodelay()) != 0
