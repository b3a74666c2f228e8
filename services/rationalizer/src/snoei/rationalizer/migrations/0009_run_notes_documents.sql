-- A run's notes (205 KB of JSON at 10k applications: what it set aside and why) mostly
-- repeat the previous run's, as its quadrants and wave plan do (0008): storing them inline
-- again was nearly half the time a run after one change took to store (18 of 40 ms,
-- measured). They are stored once by content in run_documents too; runs stored before keep
-- theirs inline.
ALTER TABLE runs ALTER COLUMN notes DROP NOT NULL;
ALTER TABLE runs ALTER COLUMN notes DROP DEFAULT;
ALTER TABLE runs ADD COLUMN notes_digest text;
ALTER TABLE runs ADD CONSTRAINT runs_notes_inline_or_digest
    CHECK (notes IS NOT NULL OR notes_digest IS NOT NULL);
