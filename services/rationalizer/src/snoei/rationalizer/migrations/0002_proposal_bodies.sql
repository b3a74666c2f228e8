-- Proposal bodies stored once by content: successive runs of a landscape mostly repeat the
-- same proposals, so a run stores its (small) rows and only the bodies not seen before.
CREATE TABLE proposal_bodies (
    digest text PRIMARY KEY,  -- sha256 of the body's JSON text
    body   jsonb NOT NULL
);

ALTER TABLE run_proposals ADD COLUMN body_digest text REFERENCES proposal_bodies (digest);
ALTER TABLE run_proposals ALTER COLUMN body DROP NOT NULL;
ALTER TABLE run_proposals ADD CONSTRAINT run_proposals_body_or_digest
    CHECK (body IS NOT NULL OR body_digest IS NOT NULL);
