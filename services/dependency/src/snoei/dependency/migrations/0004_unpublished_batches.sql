-- The items changed since the last graph version, one row per applied batch (kinds and ids
-- as parallel arrays) instead of one row per item: a bulk load of 62k items wrote 62k rows
-- here and deleted them again at the next cut (their index entries, their dead tuples for
-- vacuum), where 31 rows say the same. ``sequence``: the inventory sequence the batch moved
-- the landscape to, so a landscape's batches are distinct. ``unpublished`` stays for the
-- rows an instance of an older version wrote; a cut reads and empties both.
CREATE TABLE unpublished_batches (
    landscape_id text NOT NULL,
    sequence     bigint NOT NULL,
    kinds        text[] NOT NULL,
    ids          text[] NOT NULL,
    PRIMARY KEY (landscape_id, sequence),
    CHECK (cardinality(kinds) = cardinality(ids))
);
