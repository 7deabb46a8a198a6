"""``cairn evidence CONTRACT -o FILE``: a contract's evidence pack (HTML, or Markdown)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cairn.cli.common import CliError, State, db_option, db_path_of, echo, open_existing
from cairn.cli.group import cli


@cli.command()
@click.argument("contract", type=int)
@db_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True), required=True,
              help="File to write (- for standard output).")
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default=None,
              help="html (self-contained, no external files) or md (Markdown); default: from the file's "
                   "extension (.md, .markdown), else html.")
@click.pass_context
def evidence(ctx: click.Context, contract: int, db_path: Path | None, output: Path, fmt: str | None) -> None:
    """Write CONTRACT's evidence pack (its id, as in 'cairn list'): details and profile numbers, every
    version of the plan with the changes between them, every event with actor, local and UTC time and
    message, the ledger with running balances, and cairn check's verdict."""
    from cairn.storage import files
    from cairn.storage.exchange.evidence import evidence as evidence_of
    from cairn.storage.exchange.evidence import to_html, to_markdown

    if fmt is None:
        fmt = "md" if output.suffix.lower() in (".md", ".markdown") else "html"
    if str(output) != "-":
        files.output_target(output)  # a device, a folder or a missing folder: refused before any work
    with open_existing(db_path_of(ctx, db_path)) as db:
        pack = evidence_of(db, contract, ctx.find_object(State).clock)
    if pack is None:
        raise CliError(f"contract {contract} does not exist; 'cairn list --all' shows every contract's id.")
    data = (to_markdown(pack) if fmt == "md" else to_html(pack)).encode()
    if str(output) == "-":
        sys.stdout.buffer.write(data) if hasattr(sys.stdout, "buffer") else sys.stdout.write(data.decode())
        sys.stdout.flush()
        return
    files.write_private(output, data)
    verdict = "the file passes cairn check" if not pack.problems else f"cairn check found {len(pack.problems)} problem(s)"
    echo(f"Evidence pack of \"{pack.contract.title}\" written to {output} ({fmt}; {_n(len(pack.versions), 'plan version')}, "
         f"{_n(len(pack.events), 'event')}, {_n(len(pack.ledger), 'ledger movement')}; {verdict}).", err=True)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
