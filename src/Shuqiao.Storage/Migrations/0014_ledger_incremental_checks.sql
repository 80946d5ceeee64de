-- Incremental integrity checks (docs/ledger.md, "Integrity check"): a check may start after a prefix an earlier check
-- verified (from_size > 0) and records the root it verified, from which the next check starts.
alter table ledger_integrity_checks add column from_size bigint not null default 0 check (from_size >= 0);
alter table ledger_integrity_checks add column root bytea check (root is null or length(root) = 32);
