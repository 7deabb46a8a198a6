"""Import refuses exactly what the operations refuse (issue 10).

Every field of every table of the demo export is replaced, in turn, by each of a fixed list of
hostile values. For each variant, either the import is refused cleanly (``ImportRefused``, nothing
written) or it is accepted, after which ``cairn check`` passes and a re-export is byte-identical to
the variant itself in canonical form. Nothing else may happen: no other exception (a traceback),
no accepted file that breaks a rule. A Hypothesis test feeds arbitrary JSON, at the top and in
place of any value, and expects nothing but the importer's own refusal.

Run as a script to print the figures (variants tried, refused, accepted, tracebacks,
accepted-but-invalid), with ``--wide`` for a longer list of values::

    python -m tests.storage.test_import_fuzz --wide
"""

from __future__ import annotations

import copy
import json
import shutil
import sys
import tempfile
import traceback
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cairn.storage import demo
from cairn.storage.clock import FixedClock
from cairn.storage.db import Database
from cairn.storage.exchange.json_dump import (
    TABLES,
    ImportRefused,
    columns,
    export_json,
    render,
)
from cairn.storage.exchange.json_import import import_json
from cairn.storage.migrate import HEAD
from cairn.storage.queries import check

NOW = "2026-03-02T12:00:00Z"

# One of each kind the attack used: wrong types, sizes beyond SQLite, text no operation accepts,
# dates outside the window, values that look right but are not what an operation would store.
HOSTILE = [None, True, -1, 0, 99, 2**63, 1.5, "", "x" * 100_000, "\x1b]0;pwned\x07", "\ud800", [1], {"a": 1},
           "9999-12-31", "  padded  "]
# Also read in the export's own layout (a row at a time), against the same document read whole.
LAID_OUT = [v for v in HOSTILE if v is None or v in (-1, 2**63, "", "\ud800", "9999-12-31") or v == [1]]
WIDE = HOSTILE + [False, 1, 10**9, 10**15 + 1, -2**63 - 1, float("inf"), " ", "x", "\x00", "\u202eevil",
                  "line\nbreak", "2026-02-30", "1999-12-31", "2026-03-02T12:00:00.000000Z", "9999-12-31T00:00:00.000000Z",
                  "client", "automatic", "future", "released", "deposit", "USD", "usd", "=cmd|' /c calc'!A1",
                  "{}", "[", [], {}, [[[[]]]], "7"]


def _demo_export(folder: Path) -> str:
    db = Database.open(folder / "demo.db")
    try:
        demo.build(db, now=FixedClock(NOW).now())
        return export_json(db)
    finally:
        db.close()


def _with_first_rows_only(doc: dict) -> dict:
    """The demo export cut down to the contracts that hold the first row of some table (the rows
    the sweep changes), with everything of theirs: the same rows changed, in about half the
    document, so each of the sweep's thousands of imports reads half as much."""
    tables = doc["tables"]
    owner = {"change_request": {r["id"]: r["contract_id"] for r in tables["change_request"]},
             "plan_draft": {r["id"]: r["contract_id"] for r in tables["plan_draft"]},
             "action": {r["id"]: r["contract_id"] for r in tables["action"]}}

    def contract_of(table: str, row: dict) -> int | None:
        if table == "contract":
            return row["id"]
        if "contract_id" in row:
            return row["contract_id"]
        if table == "action_change":
            return owner["action"][row["action_id"]]
        if table == "plan_item":
            return owner["plan_draft"][row["draft_id"]] if row["draft_id"] else owner["change_request"][row["request_id"]]
        return None  # profiles belong to no contract: all kept

    kept = {contract_of(t, tables[t][0]) for t in TABLES if tables[t]} - {None}
    return dict(doc, tables={t: [r for r in tables[t] if contract_of(t, r) in kept | {None}] for t in TABLES})


class Fuzz:
    """The demo export, an empty database to copy, and the outcome of each variant."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.base = json.loads(_demo_export(folder))
        self.sweep_base = _with_first_rows_only(self.base)
        self.template = folder / "empty.db"
        Database.open(self.template).close()
        self.target = Database.open(folder / "target.db")
        conn = self.target.reader()
        self.columns = {t: columns(conn, t) for t in TABLES}
        self.pristine = self._counts(self.target)
        self.failures: list[str] = []
        self.last_problems: list[str] | None = None  # the last variant's refusal, read whole
        self.compared = 0  # variants also read in the export's layout

    @staticmethod
    def _counts(db: Database) -> dict[str, int]:
        conn = db.reader()
        return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}

    def variants(self, values: list, tables: tuple[str, ...] = TABLES):
        for table in tables:
            rows = self.sweep_base["tables"][table]
            if not rows:
                continue
            for name, _kind, _nullable in self.columns[table]:
                for value in values:
                    doc = dict(self.sweep_base, tables=dict(self.sweep_base["tables"]))
                    doc["tables"][table] = [dict(rows[0], **{name: value}), *rows[1:]]
                    yield f"{table}.{name}={value!r:.30}", doc, value

    def canonical(self, doc: dict) -> str:
        tables = {t: sorted(({c[0]: r.get(c[0]) for c in self.columns[t]} for r in doc["tables"][t]),
                            key=lambda r: r["id"]) for t in TABLES}
        return render(HEAD, tables)

    def try_one(self, label: str, doc: dict) -> str:
        text = json.dumps(doc, allow_nan=True)  # (ASCII: a lone surrogate travels as its \\ud800 escape)
        self.last_problems = None
        try:
            import_json(self.target, text)
        except ImportRefused as refused:
            self.last_problems = refused.problems
            if not refused.problems or self._counts(self.target) != self.pristine:
                return self._fail(label, "refused, but the database changed or no problem was named")
            return "refused"
        except Exception:  # noqa: BLE001 - counted: the figure must be 0
            return self._fail(label, "traceback:\n" + traceback.format_exc(limit=4))
        # Accepted: the file is now the database; it must pass cairn check and export as it came in.
        problems = check.problems(self.target)
        if problems:
            return self._fail(label, f"accepted but cairn check fails: {problems[:3]}", "accepted-but-invalid")
        if export_json(self.target) != self.canonical(doc):
            return self._fail(label, "accepted but the re-export differs", "accepted-but-invalid")
        return "accepted"

    def _fail(self, label: str, why: str, kind: str = "traceback") -> str:
        self.failures.append(f"{label}: {why}")
        return kind

    def run(self, values: list, *, laid_out: list = (), tables: tuple[str, ...] = TABLES) -> Counter[str]:
        """Each variant of ``tables`` read whole; those of the ``laid_out`` values also in the
        export's own layout (read a row at a time), which must give the same problems in the same
        order. Returns how each variant ended."""
        outcomes: Counter[str] = Counter()
        for label, doc, value in self.variants(values, tables):
            outcomes[self._one(label, doc)] += 1
            if any(value is v for v in laid_out):
                self._compare_laid_out(label, doc)
        return outcomes

    def _compare_laid_out(self, label: str, doc: dict) -> None:
        whole = self.last_problems
        try:
            import_json(self.target, render(doc["schema_revision"], {t: doc["tables"][t] for t in TABLES}))
            laid_out = None
        except ImportRefused as refused:
            laid_out = refused.problems
        else:
            self._reset()
        self.compared += 1
        if laid_out != whole:
            self.failures.append(f"{label}: in the export's layout {laid_out!r:.200}, read whole {whole!r:.200}")

    def _one(self, label: str, doc: dict) -> str:
        outcome = self.try_one(label, doc)
        if outcome != "refused":
            self._reset()  # empty again for the next variant (import_json refuses a database with contracts)
        return outcome

    def _reset(self) -> None:
        self.target.close()
        path = self.target.path
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.copy(self.template, path)
        self.target = Database.open(path)


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory):
    f = Fuzz(tmp_path_factory.mktemp("fuzz"))
    yield f
    f.target.close()


# One test per table: the sweep is a few thousand imports, and in pieces the workers share it
# instead of one of them running it alone (tests/conftest.py deals out the long tests).
@pytest.mark.cost(4)
@pytest.mark.slow  # a sweep of hundreds of imports: not in the quick part
@pytest.mark.parametrize("table", TABLES)
def test_every_field_of_every_table_with_hostile_values(fuzz, table):
    """Every variant is read whole; those of a few values are also written in the export's own
    layout, which is read a row at a time and must give the same problems (same words, same
    order). One sweep for both: the variants read whole are the same."""
    assert fuzz.sweep_base["tables"][table], f"the demo export has no {table} row to change"
    assert fuzz.sweep_base["tables"][table][0] == fuzz.base["tables"][table][0]
    failures, compared = len(fuzz.failures), fuzz.compared
    outcomes = fuzz.run(HOSTILE, laid_out=LAID_OUT, tables=(table,))
    assert fuzz.failures[failures:] == [], "\n".join(fuzz.failures[failures:][:20])
    assert outcomes["traceback"] == 0 and outcomes["accepted-but-invalid"] == 0
    assert outcomes["refused"] > outcomes["accepted"], outcomes
    # Both doors are exercised: some hostile value passes every table's checks but plan_draft's (no
    # field of a draft takes any of them).
    assert (outcomes["accepted"] > 0) is (table != "plan_draft"), outcomes
    assert fuzz.compared - compared >= len(fuzz.columns[table]) * len(LAID_OUT)


def test_the_unmutated_demo_export_is_accepted_in_any_row_order(fuzz):
    doc = copy.deepcopy(fuzz.base)
    for rows in doc["tables"].values():
        rows.reverse()
    assert fuzz._one("reversed", doc) == "accepted", fuzz.failures
    assert fuzz._one("the sweep's base", fuzz.sweep_base) == "accepted", fuzz.failures


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12)


# Examples: the loaded Hypothesis profile's (100 in the README's suite; 1,000 with --hypothesis-profile=deep).
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.one_of(JSON, st.binary(max_size=64)))
def test_any_json_at_the_top_is_refused_never_raised(fuzz, value):
    text = value if isinstance(value, bytes) else json.dumps(value, allow_nan=True)
    with pytest.raises(ImportRefused):
        import_json(fuzz.target, text)
    assert fuzz._counts(fuzz.target) == fuzz.pristine


@pytest.mark.slow  # a sweep of hundreds of imports: not in the quick part
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), value=JSON)
def test_any_json_in_place_of_any_value_is_refused_or_valid(fuzz, data, value):
    # In the sweep's document (every table; the contracts that hold a table's first row): a valid
    # export with half as much to read per import as the whole one.
    base = fuzz.sweep_base
    table = data.draw(st.sampled_from([t for t in TABLES if base["tables"][t]]))
    name = data.draw(st.sampled_from([c[0] for c in fuzz.columns[table]] + ["extra"]))
    row = data.draw(st.integers(0, len(base["tables"][table]) - 1))
    doc = dict(base, tables=dict(base["tables"]))
    rows = list(doc["tables"][table])
    rows[row] = dict(rows[row], **{name: value})
    doc["tables"][table] = rows
    assert fuzz._one(f"{table}[{row}].{name}", doc) in ("refused", "accepted"), fuzz.failures[-1:]


def test_hostile_documents_are_refused_with_their_reason(fuzz):
    deep = "[" * 100_000 + "]" * 100_000
    cases = {
        deep.encode(): "nested deeper",
        b'{"format": "cairn-export", "x": ' + b"9" * 5000 + b"}": "not JSON",
        b"\xff\xfe\x00garbage": "not JSON",
        json.dumps({**fuzz.base, "tables": {**fuzz.base["tables"], "contract": [[1]]}}).encode(): "contract row 1",
    }
    for text, reason in cases.items():
        with pytest.raises(ImportRefused) as info:
            import_json(fuzz.target, text)
        assert any(reason in p for p in info.value.problems), (reason, info.value.problems[:3])
    doc = copy.deepcopy(fuzz.base)
    doc["tables"]["milestone"][0]["id"] = [1]
    doc["tables"]["contract"][0]["title"] = "\ud800"
    doc["tables"]["ledger_entry"][0]["amount_minor"] = 2**64
    problems = _problems(fuzz, doc)
    for expected in ("milestone row 1: id: must be a whole number", "contract row 1 (id 1): title:",
                     "ledger_entry row 1 (id 1): amount_minor: is a whole number too large"):
        assert any(p.startswith(expected) for p in problems), (expected, problems)


@pytest.mark.parametrize(("table", "field", "value", "rule"), [
    ("milestone", "state", "active", "M4"),            # active with no escrow: the contract stuck
    ("contract", "kind", "hourly", "C1"),               # hourly contract with milestones
    ("contract", "feedback_rating", 99, "1 to 5"),
    ("contract", "title", "", "empty"),
    ("contract", "title", "x" * 100_000, "100,000"),
    ("contract", "title", "\x1b]0;pwned\x07", "control characters"),
    ("profile", "review_days", -1, "review days"),
    ("profile", "bonus_days", 10**9, "bonus days"),
    ("milestone", "due_date", "9999-12-31", "2100-12-31"),
])
def test_states_no_operation_reaches_are_refused(fuzz, table, field, value, rule):
    doc = copy.deepcopy(fuzz.base)
    rows = doc["tables"][table]
    target = next(r for r in rows if table != "milestone" or r["state"] == "future")
    target[field] = value
    assert any(rule in p for p in _problems(fuzz, doc)), _problems(fuzz, doc)[:5]


def test_ledgers_that_balance_on_paper_are_still_refused(fuzz):
    """A fake deposit of 10^15 released in full balances the contract, but no funding deposits more
    than the milestone's amount; an ended contract with a future milestone is not settled."""
    doc = copy.deepcopy(fuzz.base)
    ledger = doc["tables"]["ledger_entry"]
    deposit = next(e for e in ledger if e["kind"] == "deposit")
    release = next(e for e in ledger if e["kind"] == "release" and e["milestone_id"] == deposit["milestone_id"])
    deposit["amount_minor"] += 10**15 - 10**14
    release["amount_minor"] += 10**15 - 10**14
    problems = _problems(fuzz, doc)
    assert any(p.startswith("M5:") for p in problems), problems[:5]
    doc = copy.deepcopy(fuzz.base)
    ended = next(c for c in doc["tables"]["contract"] if c["status"] == "ended")
    voided = next(m for m in doc["tables"]["milestone"] if m["contract_id"] == ended["id"] and m["state"] == "voided")
    voided.update(state="future", closed_at=None)
    assert any("has ended but still has 1 future milestone" in p for p in _problems(fuzz, doc)), _problems(fuzz, doc)


def test_an_export_file_is_read_a_row_at_a_time(fuzz, tmp_path, monkeypatch):
    """Importing the export's own file never reads it whole (a gigabyte for 100,000 contracts), and
    leaves no scratch database behind, accepted or refused."""
    from cairn.storage.exchange import json_reading

    path = tmp_path / "export.json"
    path.write_text(render(HEAD, fuzz.base["tables"]), encoding="utf-8")
    monkeypatch.setattr(json_reading, "whole", lambda source: pytest.fail("the file was read whole"))
    assert import_json(fuzz.target, path)["contract"] == len(fuzz.base["tables"]["contract"])
    fuzz._reset()
    broken = copy.deepcopy(fuzz.base)
    broken["tables"]["milestone"][0]["amount_minor"] = -1
    path.write_text(render(HEAD, broken["tables"]), encoding="utf-8")
    with pytest.raises(ImportRefused) as info:
        import_json(fuzz.target, path)
    assert any("milestone row 1" in p and "amount_minor" in p for p in info.value.problems)
    assert not list(fuzz.target.path.parent.glob(".cairn-import-*"))


def _problems(fuzz: Fuzz, doc: dict) -> list[str]:
    with pytest.raises(ImportRefused) as info:
        import_json(fuzz.target, json.dumps(doc))
    return info.value.problems


def test_a_check_that_reads_the_rest_of_the_row_is_never_remembered_by_value(fuzz):
    """Each column's verdict is remembered per value, except where it depends on other fields:
    review_per_contract is fine beside review_days and refused without it, whatever came before."""
    from cairn.storage.exchange.rows import check_row, plan

    checks = plan("profile", fuzz.columns["profile"])
    base = dict(fuzz.base["tables"]["profile"][0])
    for days, refused in ((None, True), (5, False), (None, True)):
        found = check_row("profile", {**base, "review_per_contract": True, "review_days": days}, checks)
        assert any(f == "review_per_contract" for f, _ in found) is refused, (days, found)


def main() -> None:
    values = WIDE if "--wide" in sys.argv else HOSTILE
    with tempfile.TemporaryDirectory() as folder:
        f = Fuzz(Path(folder))
        outcomes = f.run(values)
        f.target.close()
    tried = sum(outcomes.values())
    print(f"values per field: {len(values)}; fields: "
          f"{sum(len(c) for t, c in f.columns.items() if f.base['tables'][t])}")
    print(f"variants tried: {tried:,}; refused: {outcomes['refused']:,}; accepted: {outcomes['accepted']:,}; "
          f"tracebacks: {outcomes['traceback']}; accepted-but-invalid: {outcomes['accepted-but-invalid']}")
    for line in f.failures[:20]:
        print("  ", line)


if __name__ == "__main__":
    main()
