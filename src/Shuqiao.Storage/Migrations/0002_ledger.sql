-- Ledger (可验证账本): an append-only RFC 9162 Merkle tree of audit and sharing events, served as C2SP tlog-tiles
-- with signed checkpoints. See docs/ledger.md.

-- The entries, exactly as hashed: bytea, not jsonb, because jsonb would reorder keys and lose the bytes the leaf
-- hash commits to. 65,535 bytes at most: entry bundles prefix each entry with a uint16 length (tlog-tiles).
create table ledger_entries (
    index        bigint primary key check (index >= 0),
    leaf_hash    bytea not null check (length(leaf_hash) = 32),   -- SHA-256(0x00 ‖ entry)
    entry        bytea not null check (length(entry) <= 65535),
    appended_at  timestamptz not null
);

-- Full-subtree hashes at the tile levels 8, 16, 24, … (tlog-tiles level L = tree level 8·L): node `index` at
-- `level` covers leaves [index·2^level, (index+1)·2^level). Level 0 is ledger_entries.leaf_hash; the levels in
-- between are rehashed from these when a proof needs them, as tile clients do, so only ~n/255 rows are kept.
create table ledger_nodes (
    level  smallint not null check (level > 0 and level < 64 and level % 8 = 0),
    index  bigint not null check (index >= 0),
    hash   bytea not null check (length(hash) = 32),
    primary key (level, index)
);

-- The committed tree: one row, updated in the same transaction as the entries it counts. Appenders lock it, so
-- appends from several server instances serialize, and a checkpoint is only ever signed over a committed root.
create table ledger_state (
    singleton   boolean primary key default true check (singleton),
    size        bigint not null check (size >= 0),
    root        bytea not null check (length(root) = 32),
    updated_at  timestamptz not null
);
insert into ledger_state (singleton, size, root, updated_at) values (true, 0, sha256(''::bytea), now());

-- Signed checkpoints (c2sp.org/tlog-checkpoint) as published, one per tree size; the note gains witness
-- cosignature lines as they arrive.
create table ledger_checkpoints (
    size          bigint primary key check (size >= 0),
    root          bytea not null check (length(root) = 32),
    note          text not null,
    published_at  timestamptz not null
);

-- Entries, nodes and published checkpoints never change. The trigger stops accidents and ordinary roles; a
-- superuser can still bypass it, which is what the integrity check and the witnesses are for.
create function ledger_append_only() returns trigger language plpgsql as $$
begin
    raise exception '% is append-only', tg_table_name using errcode = 'insufficient_privilege';
end
$$;
create trigger ledger_entries_append_only before update or delete or truncate on ledger_entries
    for each statement execute function ledger_append_only();
create trigger ledger_nodes_append_only before update or delete or truncate on ledger_nodes
    for each statement execute function ledger_append_only();
create trigger ledger_checkpoints_no_delete before delete or truncate on ledger_checkpoints
    for each statement execute function ledger_append_only();

-- This node as a witness of other nodes' ledgers (c2sp.org/tlog-witness): the latest checkpoint it cosigned per
-- log origin. Checked and advanced in one transaction per request, so two requests can never roll a log back.
create table ledger_witnessed_logs (
    origin      text primary key,
    size        bigint not null check (size >= 0),
    root        bytea not null check (length(root) = 32),
    checkpoint  text not null,     -- the signed checkpoint as submitted: evidence if the log ever forks
    updated_at  timestamptz not null
);
