"""Proposals as JSON, encoded once per run for both the store and the publication."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from snoei.shared.contracts.proposals import Proposal

_PROPOSAL = Proposal.__pydantic_serializer__


@dataclass(frozen=True, slots=True)
class EncodedProposals:
    """A run's proposals with each one's JSON body (UTF-8) and its sha256 digest, in the
    same order."""

    proposals: tuple[Proposal, ...]
    bodies: list[bytes]
    digests: list[str]


class ProposalEncoder:
    """Keeps, per landscape, the JSON of the last run's proposals: the engine hands back the
    very objects of unchanged proposals, so a run after one change encodes a few of its
    thousands of proposals, not all (2,754 bodies, 14 MB, at 10k applications)."""

    def __init__(self) -> None:
        self._last: dict[str, dict[int, tuple[Proposal, bytes, str]]] = {}

    def encode(
        self, landscape_id: str, proposals: Sequence[Proposal], *, remember: bool = True
    ) -> EncodedProposals:
        """``remember``: keep these as the landscape's last run (False for an older run
        published again, so the next run still finds the current one's)."""
        before = self._last.get(landscape_id, {})
        now: dict[int, tuple[Proposal, bytes, str]] = {}
        for proposal in proposals:
            found = before.get(id(proposal))
            if found is None or found[0] is not proposal:
                body = _PROPOSAL.to_json(proposal)  # model_dump_json(), as bytes
                found = (proposal, body, hashlib.sha256(body).hexdigest())
            now[id(proposal)] = found
        if remember:
            self._last[landscape_id] = now
        return EncodedProposals(
            tuple(proposals),
            [now[id(p)][1] for p in proposals],
            [now[id(p)][2] for p in proposals],
        )
