-- A run's quadrants and wave plan (250 KB and 210 KB of JSON at 10k applications) mostly
-- repeat the previous run's: a run after one change stored both again, which was most of
-- the time its INSERT took. Like proposal bodies they are stored once by content, and a
-- run refers to them by digest; runs stored before keep theirs inline. No foreign keys, as
-- in 0007: ``RunRepository.save_run`` stores the documents before the run in one
-- transaction, and neither is ever deleted.
CREATE TABLE run_documents (
    digest text PRIMARY KEY,  -- sha256 of the document's JSON text
    body   jsonb NOT NULL
);

ALTER TABLE runs ALTER COLUMN quadrants DROP NOT NULL;
ALTER TABLE runs ALTER COLUMN waves DROP NOT NULL;
ALTER TABLE runs ADD COLUMN quadrants_digest text;
ALTER TABLE runs ADD COLUMN waves_digest text;
ALTER TABLE runs ADD CONSTRAINT runs_quadrants_inline_or_digest
    CHECK (quadrants IS NOT NULL OR quadrants_digest IS NOT NULL);
ALTER TABLE runs ADD CONSTRAINT runs_waves_inline_or_digest
    CHECK (waves IS NOT NULL OR waves_digest IS NOT NULL);
