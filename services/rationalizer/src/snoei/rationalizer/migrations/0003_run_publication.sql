-- Runs are published from the store, like an outbox: a run stored just before a crash, or
-- whose publication failed, is published afterwards by the relay. Runs stored before this
-- migration were published then (or superseded); they are not published again.
ALTER TABLE runs ADD COLUMN published boolean NOT NULL DEFAULT false;
UPDATE runs SET published = true;
CREATE INDEX runs_unpublished ON runs (ordinal) WHERE NOT published;
