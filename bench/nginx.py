"""bench/nginx.py -- a throw-away nginx for bench/run's fetch row.

    with LocalNginx() as srv:      srv.url is None (srv.why says why) when
        ... srv.url ...            nginx is not installed or would not start

Starts nginx as the current user, in the foreground (`daemon off`, so this
process owns its pid and stops it), from a temporary directory that holds
everything it writes: its config, pid file, error log and temp paths, and
the file it serves, /1k (1,024 bytes). It listens on 127.0.0.1 on a port
the kernel picked as free; access_log is off. One worker process: the client
is one thread, so on a 2-CPU machine each gets a CPU. Keep-alive connections
are never retired for their request count, so that both clients reuse their
connections for the whole run. Standard library only.
"""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

BODY_LEN = 1024

CONFIG = """\
daemon off;
master_process on;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    {temps}
    keepalive_requests 1000000;
    keepalive_timeout 65s;
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/www;
    }}
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, timeout=0.5):
    """The body of one GET over a fresh connection, or None."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
            data = b""
            while chunk := s.recv(65536):
                data += chunk
    except OSError:
        return None
    head, _, body = data.partition(b"\r\n\r\n")
    return body if head.startswith(b"HTTP/1.1 200") else None


class LocalNginx:
    def __init__(self):
        self.url, self.why, self.proc, self.tmp = None, None, None, None

    def __enter__(self):
        exe = shutil.which("nginx") or next(
            (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(p, os.X_OK)), None)
        if not exe:
            self.why = "nginx not available (not installed; Debian: nginx-light)"
            return self
        self.tmp = tempfile.mkdtemp(prefix="tide-bench-nginx-")
        # Readable by nginx's workers, should a root master hand them to nobody.
        os.chmod(self.tmp, 0o755)
        www = os.path.join(self.tmp, "www")
        os.mkdir(www)
        with open(os.path.join(www, "1k"), "wb") as f:
            f.write(bytes(b"0123456789abcdef"[i % 16] for i in range(BODY_LEN)))
        # Every temp path this build was compiled with, in the temp dir: the
        # defaults (/var/lib/nginx/...) are not writable by a plain user.
        try:
            v = subprocess.run([exe, "-V"], capture_output=True, text=True, timeout=10).stderr
        except (OSError, subprocess.SubprocessError):
            v = ""
        kinds = re.findall(r"--http-(\w+?)-temp-path", v)
        directive = {"client-body": "client_body"}
        temps = " ".join(f"{directive.get(k, k)}_temp_path {self.tmp}/{k}-temp;" for k in kinds)
        for _ in range(3):  # the port may be taken between picking and binding
            port = free_port()
            conf = os.path.join(self.tmp, "nginx.conf")
            with open(conf, "w") as f:
                f.write(CONFIG.format(tmp=self.tmp, port=port, temps=temps))
            # -e: the error log from the first moment, before the config's
            # is read (the compiled-in one may not be writable).
            self.proc = subprocess.Popen(
                [exe, "-p", self.tmp + "/", "-c", conf, "-e", os.path.join(self.tmp, "error.log")],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and self.proc.poll() is None:
                body = get(port, "/1k")
                if body is not None:
                    if len(body) == BODY_LEN:
                        self.url = f"http://127.0.0.1:{port}/1k"
                        return self
                    break
                time.sleep(0.05)
            self._stop()
        self.why = "nginx not available (did not start: " + self._log_tail() + ")"
        return self

    def _log_tail(self):
        try:
            with open(os.path.join(self.tmp, "error.log")) as f:
                lines = [l.strip() for l in f if l.strip()]
            return lines[-1] if lines else "no error logged"
        except OSError:
            return "no error log"

    def _stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: nginx's fast shutdown
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __exit__(self, *exc):
        self._stop()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
        return False
