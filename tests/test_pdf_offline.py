"""Printing the PDFs asks nothing of the network (review of issue 20).

The route in pdf_print.py aborts every page request off the loopback server, but Chromium's own
services do not go through it: printing one page looked up update.googleapis.com and
accounts.google.com (seen with strace), from the build machine, whatever the content held.
Chromium's resolver now answers no name, so nothing leaves the host; the page, on 127.0.0.1,
still prints. Linux with strace only: it sees the DNS packets of every process.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from browser import chromium_path

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html><head><title>t</title></head><body>
<article class="md-content__inner"><h1>Meeting</h1>
<p><a href="https://meet.example.org/pilot">Video call</a></p>
<p><img src="https://images.example.org/x.png" alt="x"></p></article></body></html>"""

SCRIPT = """
import sys
from pathlib import Path
from handbook.engine import pdf_print
site, cache = Path(sys.argv[1]), Path(sys.argv[2])
pdf_print.print_all(site, sys.argv[3], {"k": pdf_print.Sheet(site / "p/index.html", "H", None, 0)},
                    cache, 1)
"""


@pytest.mark.skipif(sys.platform != "linux" or shutil.which("strace") is None,
                    reason="needs strace on Linux")
def test_printing_a_pdf_looks_up_no_name(tmp_path: Path) -> None:
    chromium = chromium_path()
    (tmp_path / "site/p").mkdir(parents=True)
    (tmp_path / "site/p/index.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "cache").mkdir()
    trace = tmp_path / "trace.txt"
    done = subprocess.run(["strace", "-f", "-s", "300", "-e",
                           "trace=connect,sendto,sendmmsg,sendmsg",
                           "-o", str(trace), sys.executable, "-c", SCRIPT,
                           str(tmp_path / "site"), str(tmp_path / "cache"), chromium],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "cache/k.pdf").stat().st_size > 1000
    calls = trace.read_text(encoding="utf-8", errors="replace")
    dns = [line[:200] for line in calls.splitlines() if re.search(r"htons\(53\)", line)]
    assert not dns, dns


def test_the_print_server_answers_only_its_own_address(tmp_path: Path) -> None:
    import http.client

    from handbook.engine.pdf_print import _serve

    (tmp_path / "p").mkdir()
    (tmp_path / "p/index.html").write_text("<p>names</p>", encoding="utf-8")
    with _serve(tmp_path) as base:
        host = base.removeprefix("http://").rstrip("/")
        port = int(host.rsplit(":", 1)[1])

        def get(path: str, name: str) -> int:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", path, headers={"Host": name})
            return connection.getresponse().status

        assert get("/p/", host) == 200
        assert get("/p/", f"rebound.example:{port}") == 403  # DNS rebinding
        assert get("/", host) == 404  # no listing of the staging folder


def test_a_browser_closing_mid_file_prints_nothing(tmp_path: Path,
                                                   capfd: pytest.CaptureFixture[str]) -> None:
    """A stopped build kills Chromium while the print server sends a file: the broken pipe is
    expected and must not put a traceback on the user's terminal."""
    import socket
    import time

    from handbook.engine.pdf_print import _serve

    (tmp_path / "big.css").write_bytes(b"x" * 20_000_000)
    with _serve(tmp_path) as url:
        port = int(url.rsplit(":", 1)[1].strip("/"))
        with socket.create_connection(("127.0.0.1", port)) as connection:
            connection.sendall(f"GET /big.css HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
                               .encode())
            connection.recv(1024)
            # close with a reset, as a killed browser does
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00"
                                  b"\x00\x00\x00\x00")
        time.sleep(1)
    assert "Traceback" not in capfd.readouterr().err
