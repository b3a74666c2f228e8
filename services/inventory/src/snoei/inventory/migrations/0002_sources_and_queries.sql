-- Who last changed each item (for import pruning), per-landscape idempotency keys, and
-- indexes for the relay, as-of queries and data-quality checks.
ALTER TABLE items
    ADD COLUMN source    text NOT NULL DEFAULT '',
    ADD COLUMN change_id uuid;
CREATE INDEX items_by_source ON items (landscape_id, source, kind);

ALTER TABLE processed_changes DROP CONSTRAINT processed_changes_pkey;
ALTER TABLE processed_changes ADD PRIMARY KEY (landscape_id, change_id);

DROP INDEX events_unpublished;
CREATE INDEX events_unpublished ON events (landscape_id, sequence) WHERE published_at IS NULL;

CREATE INDEX item_history_as_of ON item_history (landscape_id, kind, valid_from);
