"""`manage.py messages_check`: fail when a translatable string is missing from a catalogue.

Runs `makemessages` (the same options as `make messages`) on a temporary copy
of the project and compares the msgids it would write with locale/: a string
added to a template or to the source without `make messages` is printed and
the command exits with status 1. Untranslated and fuzzy entries are the
catalogue test's business (tests/portal/test_catalogues.py).
"""

import ast
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

LANGUAGES = ("ru", "kk")
# Kept in step with the `messages` target of the Makefile.
DOMAINS = ("django", "djangojs")
IGNORED = (".venv", "tests", "bench")
JS_IGNORED = ("static/vendor", "staticfiles")
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".js"}
NOT_COPIED = {".git", "media", "staticfiles", "node_modules", "docs", *IGNORED}


def catalogue_keys(path: Path) -> set[tuple[str | None, str]]:
    """(msgctxt, msgid) of every live entry of a .po file (none if there is no file)."""
    keys, context, field, msgid = set(), None, None, None
    if not path.exists():
        return keys

    def flush() -> None:
        if msgid:
            keys.add((context, msgid))

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#") or not line:
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if field == "msgctxt":
                context = (context or "") + value
            elif field == "msgid":
                msgid += value
            continue
        word, _, rest = line.partition(" ")
        value = ast.literal_eval(rest)
        if word == "msgctxt":
            flush()
            context, msgid, field = value, None, "msgctxt"
        elif word == "msgid":
            if field != "msgctxt":
                flush()
                context = None
            msgid, field = value, "msgid"
        else:
            field = word
    flush()
    return keys


def missing_msgids(root: Path) -> dict[str, list[tuple[str | None, str]]]:
    """Per language, the (msgctxt, msgid) pairs `make messages` would add to locale/.

    Both domains; a djangojs msgid carries the domain in front of its context.
    """
    with tempfile.TemporaryDirectory(prefix="messages-check-") as tmp:
        copy = Path(tmp)
        for entry in root.iterdir():
            if entry.name in NOT_COPIED or entry.name.startswith("."):
                continue
            if entry.is_dir():
                shutil.copytree(
                    entry, copy / entry.name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
                )
            elif entry.suffix in SOURCE_SUFFIXES:
                shutil.copy2(entry, copy / entry.name)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "true"}
        missing: dict[str, list[tuple[str | None, str]]] = {code: [] for code in LANGUAGES}
        for domain in DOMAINS:
            command = [sys.executable, "manage.py", "makemessages", f"--domain={domain}"]
            command += ["--no-obsolete", "--no-location"]
            command += [f"--locale={code}" for code in LANGUAGES]
            ignored = IGNORED + (JS_IGNORED if domain == "djangojs" else ())
            command += [f"--ignore={name}" for name in ignored]
            result = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
                command, cwd=copy, env=env, capture_output=True, text=True, check=False
            )
            if result.returncode != 0:
                raise CommandError(f"makemessages failed:\n{result.stdout}{result.stderr}")
            for code in LANGUAGES:
                name = Path(code) / "LC_MESSAGES" / f"{domain}.po"
                would_be = catalogue_keys(copy / "locale" / name)
                present = catalogue_keys(root / "locale" / name)
                for context, msgid in sorted(would_be - present, key=lambda k: (k[0] or "", k[1])):
                    if domain != "django":
                        context = f"{domain}: {context}" if context else domain
                    missing[code].append((context, msgid))
        return missing


class Command(BaseCommand):
    help = "Fail if a translatable string of the source is missing from locale/."

    def handle(self, *args, **options):
        missing = missing_msgids(Path(settings.BASE_DIR))
        if not any(missing.values()):
            self.stdout.write("The catalogues hold every translatable string.")
            return
        for code, keys in missing.items():
            for context, msgid in keys:
                label = f"[{context}] {msgid}" if context else msgid
                self.stderr.write(f"{code}: missing msgid {label!r}")
        raise CommandError("Strings are missing from locale/: run `make messages` and translate.")
