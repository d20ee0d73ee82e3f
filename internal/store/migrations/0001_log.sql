-- The append-only log: one row per leaf, and the tree's stored hashes
-- (tlog's storage index), written together by Store.Append.
-- Portable SQL only: this same file runs on SQLite and PostgreSQL
-- (schema_test.go checks it).

CREATE TABLE entries (
    idx         BIGINT NOT NULL PRIMARY KEY,
    leaf_hash   BYTEA  NOT NULL UNIQUE,
    note        BYTEA  NOT NULL,
    kind        TEXT   NOT NULL,
    framework   TEXT   NOT NULL,
    signer      TEXT   NOT NULL,
    key_name    TEXT   NOT NULL,
    subject     TEXT   NOT NULL,
    doc_date    TEXT   NOT NULL,
    revision    BIGINT NOT NULL,
    received_ns BIGINT NOT NULL
);

CREATE INDEX entries_framework_idx ON entries (framework, idx);

CREATE TABLE tree_hashes (
    idx  BIGINT NOT NULL PRIMARY KEY,
    hash BYTEA  NOT NULL
);
