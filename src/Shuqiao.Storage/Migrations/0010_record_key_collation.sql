-- Record keys are ordered ordinally (byte order of UTF-8, the "C" collation), as TypedValue.CompareTo compares them:
-- exchange query pages and their keyset cursors order and compare by key, the change feed by (time, key). With the
-- database's default collation on the column (whatever initdb was given: zh_CN.UTF-8, en_US.UTF-8, C.UTF-8…) the
-- primary key index (resource_id, key) is in that collation's order, so the planner could not walk it for an ordinal
-- order and sorted all of a resource's records on every page. Declaring the columns "C" makes the index order the
-- ordinal order (and makes every key comparison a plain byte comparison, cheaper than a locale's).
--
-- Equality is unchanged: every collation PostgreSQL offers here is deterministic, so no two distinct keys became equal
-- or unequal and the primary keys stay valid. Expressions of the default collation compared with these columns
-- (payload ->> field, parameters, staging tables) take the column's collation by PostgreSQL's rules (an implicit
-- non-default collation wins over the default), so joins like records.key = payload ->> 'ref' still use the index.
--
-- ALTER TYPE rewrites each table and rebuilds its indexes (records_pkey, record_history_pkey) under an ACCESS
-- EXCLUSIVE lock: on a node with many records, plan this migration's start-up as a maintenance window.
--
-- Not changed: ingest_findings.record_key (read back per batch by (batch_id, ordinal), never ordered or joined by key)
-- and the keys inside quality_reports.samples (jsonb).
alter table records alter column key type text collate "C";
alter table record_history alter column key type text collate "C";
