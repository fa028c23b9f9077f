"""docs/operations.md's backup and restore commands, run exactly as written."""

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from portal.models import User
from tests.factories import ProgramFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "operations.md").read_text()


def _block(heading: str) -> str:
    section = DOC.split(f"### {heading}\n", 1)[1]
    return section.split("```sh\n", 1)[1].split("```", 1)[0]


def _url(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def test_backup_then_restore_gives_back_the_data_and_the_uploads(tmp_path):
    UserFactory.create_batch(3)
    ProgramFactory(name="Restored Call 2026")
    media, restored_media, backups = tmp_path / "media", tmp_path / "restored", tmp_path / "bk"
    (media / "decks").mkdir(parents=True)
    backups.mkdir()
    (media / "decks" / "a1b2.pdf").write_bytes(b"%PDF-1.7 deck bytes")
    source = connection.settings_dict["NAME"]
    target = f"{source}_restored"
    admin = f"host=127.0.0.1 port={connection.settings_dict['PORT'] or 5432} user=postgres"
    with psycopg.connect(admin + " dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}"')
        conn.execute(f'CREATE DATABASE "{target}"')
    bin_dir = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if k in {"HOME", "LANG"}}
    env.update(
        PATH=f"{bin_dir}:{os.environ['PATH']}",
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=_url(source),
        MEDIA_ROOT=str(media),
        BACKUP_DIR=str(backups),
    )
    try:
        backup = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", _block("Back up")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert backup.returncode == 0, backup.stderr
        env.update(RESTORE_DATABASE_URL=_url(target), MEDIA_ROOT=str(restored_media))
        restore = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", _block("Restore")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert restore.returncode == 0, restore.stdout + restore.stderr
        with psycopg.connect(admin + f" dbname={target}") as conn:
            users = conn.execute(f"SELECT count(*) FROM {User._meta.db_table}").fetchone()[0]
            programs = conn.execute(
                "SELECT name FROM programs_program WHERE name = 'Restored Call 2026'"
            ).fetchall()
        assert users == User.objects.count()
        assert programs == [("Restored Call 2026",)]
        assert (restored_media / "decks" / "a1b2.pdf").read_bytes() == b"%PDF-1.7 deck bytes"
        assert re.fullmatch(r"\d{8}-\d{6}\n", (backups / "latest").read_text())
    finally:
        with psycopg.connect(admin + " dbname=postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
