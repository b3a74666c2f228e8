"""A run's list of proposals in content-defined chunks: one proposal more, fewer or changed
changes its own chunk only, and the chunks list every proposal once, in id order."""

from __future__ import annotations

from snoei.rationalizer.adapters.proposal_sets import chunked
from snoei.rationalizer.encoding import ProposalEncoder
from snoei.shared.contracts.proposals import Action, Proposal, RiskLevel

ENCODER = ProposalEncoder()


def _proposal(index: int, saving: float | None = 1000.0) -> Proposal:
    return Proposal(
        id=f"retire:app-{index:04d}",
        action=Action.RETIRE,
        targets=(f"app-{index:04d}",),
        rules=(),
        yearly_saving=saving,
        migration_cost=5000.0,
        payback_months=None,
        risk=RiskLevel.LOW,
        risk_score=0.1,
        confidence=1.0,
        facts_hash=f"facts-{index}",
        summary="",
    )


def _digests(proposals: list[Proposal]) -> list[str]:
    return [c.digest for c in chunked(ENCODER.encode("l", proposals, remember=False))]


def test_chunks_list_every_proposal_once_in_id_order() -> None:
    proposals = [_proposal(i, None if i % 7 == 0 else float(i)) for i in range(1000)]
    chunks = chunked(ENCODER.encode("l", proposals[::-1], remember=False))
    listed = [entry for chunk in chunks for entry in chunk.entries]
    assert [e[0] for e in listed] == sorted(p.id for p in proposals)
    assert [e[3] for e in listed] == [p.yearly_saving for p in proposals]  # unknown is None
    assert 4 < len(chunks) < 60  # about 64 per chunk


def test_one_proposal_changed_added_or_removed_changes_one_chunk() -> None:
    proposals = [_proposal(i) for i in range(2000)]
    before = _digests(proposals)
    changed = [*proposals[:700], _proposal(700, saving=99.0), *proposals[701:]]
    added = [*proposals, _proposal(5000)]
    removed = proposals[:1200] + proposals[1201:]
    for after in (_digests(changed), _digests(added), _digests(removed)):
        assert len(set(after) - set(before)) == 1
        assert len(set(before) - set(after)) <= 2  # removing a boundary merges two


def test_no_proposals_no_chunks() -> None:
    assert _digests([]) == []
