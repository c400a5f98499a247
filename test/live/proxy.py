#!/usr/bin/env python3
"""A minimal HTTP CONNECT proxy for the live tests (standard library only).

Binds 127.0.0.1 on a free port, writes it to --port-file, and logs each
CONNECT target as one line to --log. Only CONNECT is served: the client
tunnels TLS through it, as kubectl does with an http proxy-url.
"""
import argparse
import os
import select
import socket
import sys
import threading


def pipe(a, b):
    socks = [a, b]
    try:
        while True:
            r, _, _ = select.select(socks, [], [], 60)
            if not r:
                return
            for s in r:
                data = s.recv(65536)
                if not data:
                    return
                (b if s is a else a).sendall(data)
    except OSError:
        return
    finally:
        a.close()
        b.close()


def handle(conn, log, lock):
    try:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                conn.close()
                return
            head += chunk
            if len(head) > 65536:
                conn.close()
                return
        line = head.split(b"\r\n", 1)[0].decode("latin-1")
        parts = line.split()
        if len(parts) != 3 or parts[0] != "CONNECT":
            conn.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            conn.close()
            return
        host, _, port = parts[1].rpartition(":")
        with lock:
            log.write(parts[1] + "\n")
            log.flush()
        up = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        pipe(conn, up)
    except (OSError, ValueError):
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    log = open(args.log, "a")
    lock = threading.Lock()
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.getsockname()[1]))
    os.rename(tmp, args.port_file)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn, log, lock), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
