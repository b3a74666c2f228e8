-- Unknown is not zero: a proposal whose saving cannot be computed (its costs are unknown)
-- stores NULL, never 0; a run counts those apart from its known total, and keeps the notes
-- on what it considered and set aside (an overlap ruled out by structure or weak evidence).
-- Stored proposal bodies of earlier runs stay as they were published (version 1 values).
ALTER TABLE run_proposals ALTER COLUMN yearly_saving DROP NOT NULL;
ALTER TABLE runs ADD COLUMN unknown_saving_count integer NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN notes jsonb NOT NULL DEFAULT '[]';
