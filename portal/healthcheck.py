"""Container health check: `python -m portal.healthcheck` exits 0 when /healthz says ok.

It asks the gunicorn of its own container over loopback, with the first of
ALLOWED_HOSTS as the host name (Django refuses an unknown Host) and the
header the TLS proxy would add, so the HTTPS redirect does not answer instead.
"""

import http.client
import os
import sys


def main() -> int:
    host = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip() or "localhost"
    port = int(os.environ.get("PORT", "8000"))
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"})
        response = conn.getresponse()
        print(response.status, response.read().decode(errors="replace"))
    except OSError as exc:
        print(f"healthcheck: {exc}", file=sys.stderr)
        return 1
    return 0 if response.status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
