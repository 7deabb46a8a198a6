"""The evidence pack: details, every plan version with its changes, events, ledger, check; escaped."""

from __future__ import annotations

import re

from cairn.storage import api
from cairn.storage.exchange.evidence import evidence, md, to_html, to_markdown
from tests.conftest import make_contract


def _story(db, clock):
    b = make_contract(db, clock, 3, title="Site <script>alert(1)</script> | *bold*")
    api.fund_next_milestone(db, b.id, actor="client", clock=clock)
    clock.advance(hours=2)
    api.submit_work(db, b.id, actor="freelancer", message="See <b>here</b> & | there", clock=clock)
    clock.advance(days=1)
    api.release_payment(db, b.id, actor="client", amount="60.00", remainder="refund", clock=clock)
    clock.advance(days=1)
    m2, m3 = b.milestones[1], b.milestones[2]
    api.draft_edit(db, b.id, key=f"m{m3.id}", side="client", amount="150.00", clock=clock)
    api.draft_move(db, b.id, key=f"m{m3.id}", side="client", delta=-1, clock=clock)
    api.send_changes(db, b.id, actor="client", message="bigger", clock=clock)
    clock.advance(days=1)
    api.draft_delete(db, b.id, key=f"m{m2.id}", side="client", clock=clock)
    api.send_changes(db, b.id, actor="client", clock=clock)
    return b


def test_every_plan_version_with_the_changes_between_them(db, clock):
    b = _story(db, clock)
    ev = evidence(db, b.id, clock)
    assert [v.number for v in ev.versions] == [1, 2, 3]
    first, second, third = ev.versions
    assert [(m.title, m.amount_minor) for m in first.plan] == [("M1", 100_00), ("M2", 100_00), ("M3", 100_00)]
    assert first.cause == "the plan as the contract was created" and not first.changes
    assert [(m.title, m.amount_minor) for m in second.plan] == [("M1", 100_00), ("M3", 150_00), ("M2", 100_00)]
    assert second.cause == "changed by the client" and {e.kind for e in second.changes} == {"milestone_edited",
                                                                                         "milestone_moved"}
    assert [m.title for m in third.plan] == [m.title for m in second.plan if m.title != "M2"]
    assert [e.kind for e in third.changes] == ["milestone_deleted"]


def test_ledger_has_running_balances_and_the_check_verdict(db, clock):
    b = _story(db, clock)
    ev = evidence(db, b.id, clock)
    assert [(line.kind, line.amount_minor, line.escrow, line.paid, line.refunded) for line in ev.ledger] == [
        ("deposit", 100_00, 100_00, 0, 0), ("release", 60_00, 40_00, 60_00, 0), ("refund", 40_00, 0, 60_00, 40_00)]
    assert ev.problems == [] and ev.checked["contract"] == 1
    assert [e.at for e in ev.events] == sorted(e.at for e in ev.events)  # oldest first


def test_html_is_self_contained_and_escapes_user_text(db, clock):
    b = _story(db, clock)
    page = to_html(evidence(db, b.id, clock))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "See &lt;b&gt;here&lt;/b&gt; &amp; | there" in page
    assert not re.search(r"""(src|href)\s*=|@import|url\(""", page)  # nothing fetched from anywhere
    assert "UTC" in page and "Hold before available" in page and "OK: integrity ok" in page
    assert page.count("<h3>Version ") == 3


def test_markdown_escapes_user_text(db, clock):
    b = _story(db, clock)
    text = to_markdown(evidence(db, b.id, clock))
    assert r"Site \<script\>alert(1)\</script\> \| \*bold\*" in text
    assert r"See \<b\>here\</b\> &amp; \| there" in text
    assert md("a|b*c_d`e[f]g<h>&i#") == r"a\|b\*c\_d\`e\[f\]g\<h\>&amp;i\#"
    assert md("one\ntwo") == "one<br>two"


def test_a_contract_that_does_not_exist(db, clock):
    assert evidence(db, 999, clock) is None
