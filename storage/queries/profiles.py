"""P9: the platform profiles, as the Profiles screen and ``cairn profiles list`` show them."""

from __future__ import annotations

from dataclasses import dataclass

from cairn.storage import fees


@dataclass(frozen=True)
class ProfileRow:
    id: int
    name: str
    review_days: int | None  # None: no automatic release
    hold_days: int
    refund_answer_days: int
    feedback_days: int
    minimum_minor: int
    fee_rule: str  # stored form (storage.fees)
    review_per_contract: bool
    builtin: bool
    bonus_days: int
    contracts: int  # contracts on this profile

    @property
    def fee(self) -> fees.FeeRule:
        return fees.stored(self.fee_rule)

    def review_shown(self) -> str:
        if self.review_days is None:
            return "none"
        if self.review_per_contract:
            return f"{self.review_days} (1-30 per contract)"
        return f"{self.review_days}"


def profiles(db) -> list[ProfileRow]:
    """Every profile, built-in ones first, each with how many contracts use it."""
    conn = db.reader() if hasattr(db, "reader") else db
    rows = conn.execute(
        """select p.id, p.name, p.review_days, p.hold_days, p.refund_answer_days, p.feedback_days, p.minimum_minor,
             p.fee_rule, p.review_per_contract, p.builtin, p.bonus_days,
             (select count(*) from contract c where c.profile_id = p.id)
           from profile p order by p.builtin desc, p.id""")
    return [ProfileRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8]), bool(r[9]), r[10], r[11])
            for r in rows]
