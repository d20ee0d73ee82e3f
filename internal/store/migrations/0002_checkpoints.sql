-- Every checkpoint the server signed, one row per size, written before the
-- checkpoint is handed out (ledger.Log.Guard): at start the server checks
-- that the stored tree still gives the root of the last one, and it never
-- signs a checkpoint that does not extend it. note is the signed
-- checkpoint exactly as handed out.
-- Portable SQL only (schema_test.go checks it).

CREATE TABLE checkpoints (
    tree_size BIGINT NOT NULL PRIMARY KEY,
    root      BYTEA  NOT NULL,
    note      BYTEA  NOT NULL,
    signed_ns BIGINT NOT NULL
);
