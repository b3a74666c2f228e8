-- A run's list of proposals in chunks stored once by content (see adapters/proposal_sets.py):
-- after one change at 10k applications a run wrote 2,754 rows into run_proposals, nearly
-- all the previous run's again; now it writes the one or two chunks that differ. Runs
-- stored before keep their rows in run_proposals (proposal_chunks NULL). No foreign keys,
-- as in 0007: chunks are stored in the run's transaction and never deleted.
CREATE TABLE proposal_chunks (
    digest         text PRIMARY KEY,  -- sha256 of the ids and body digests it lists
    proposal_ids   text[] NOT NULL,
    actions        text[] NOT NULL,
    statuses       text[] NOT NULL,
    yearly_savings double precision[] NOT NULL,  -- NULL elements: unknown
    facts_hashes   text[] NOT NULL,
    body_digests   text[] NOT NULL
);

ALTER TABLE runs ADD COLUMN proposal_chunks text[];
