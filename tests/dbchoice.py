"""Which database `make test` uses, said on the first line of its output.

DATABASE_URL wins when set; otherwise PostgreSQL on 127.0.0.1:5432 when a
server answers there; otherwise the embedded SQLite default.
"""

import os
import socket
import sys

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/portal"


def postgres_answers(host: str = "127.0.0.1", port: int = 5432) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def choose() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return url
    if postgres_answers():
        return LOCAL_POSTGRES
    return ""


def describe(url: str) -> str:
    if url.startswith(("postgres", "pgsql")):
        where = url.rsplit("@", 1)[-1]
        return f"Tests run on PostgreSQL ({where})."
    if url:
        return f"Tests run on {url.split(':', 1)[0]}."
    return "Tests run on SQLite (no PostgreSQL answered on 127.0.0.1:5432)."


if __name__ == "__main__":
    chosen = choose()
    print(chosen if "--url" in sys.argv else describe(chosen))
