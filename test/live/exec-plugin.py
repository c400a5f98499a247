#!/usr/bin/env python3
"""A client-go exec credential plugin for the live tests.

Behaviour from the environment the kubeconfig's exec.env sets:
  PLUGIN_MODE   token (default), cert, fail, sleep, big, badjson, wrongversion
  PLUGIN_TOKEN  the token to return (token mode); "%n" is replaced by the run count
  PLUGIN_COUNT  a file counting invocations
  PLUGIN_INFO   a file receiving KUBERNETES_EXEC_INFO, argv and whether stdin is open
  PLUGIN_CERT / PLUGIN_KEY  PEM files (cert mode)
  PLUGIN_EXPIRES  expirationTimestamp to return
"""
import json
import os
import sys
import time


def main():
    mode = os.environ.get("PLUGIN_MODE", "token")
    n = 1
    cnt = os.environ.get("PLUGIN_COUNT")
    if cnt:
        try:
            with open(cnt) as f:
                n = int(f.read() or "0") + 1
        except FileNotFoundError:
            n = 1
        with open(cnt, "w") as f:
            f.write(str(n))
    info = os.environ.get("PLUGIN_INFO")
    if info:
        fds = sorted(int(x) for x in os.listdir("/proc/self/fd"))
        with open(info, "w") as f:
            json.dump({"info": os.environ.get("KUBERNETES_EXEC_INFO"), "argv": sys.argv[1:],
                       "stdin_tty": os.isatty(0), "fds": fds,
                       "env_extra": os.environ.get("PLUGIN_EXTRA")}, f)
    info_env = json.loads(os.environ.get("KUBERNETES_EXEC_INFO") or "{}")
    api = info_env.get("apiVersion", "client.authentication.k8s.io/v1")
    if mode == "fail":
        sys.stderr.write("plugin: login required\n")
        return 1
    if mode == "sleep":
        time.sleep(600)
    if mode == "big":
        sys.stdout.write("x" * (2 << 20))
        return 0
    if mode == "badjson":
        sys.stdout.write('{"apiVersion": "' + api + '", "kind": "ExecCredential", "status": {')
        return 0
    if mode == "wrongversion":
        api = "client.authentication.k8s.io/v1alpha1"
    status = {}
    if mode == "cert":
        with open(os.environ["PLUGIN_CERT"]) as f:
            status["clientCertificateData"] = f.read()
        with open(os.environ["PLUGIN_KEY"]) as f:
            status["clientKeyData"] = f.read()
    else:
        status["token"] = os.environ.get("PLUGIN_TOKEN", "exec-token").replace("%n", str(n))
    if os.environ.get("PLUGIN_EXPIRES"):
        status["expirationTimestamp"] = os.environ["PLUGIN_EXPIRES"]
    json.dump({"apiVersion": api, "kind": "ExecCredential", "status": status}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
