-- Ledger (可验证账本), second part: the node's signing keys, entries found by audit event, integrity check results.
-- See docs/ledger.md.

-- The node's private keys, sealed with the key-encryption key from configuration (Shuqiao:Ledger:KeyEncryptionKey):
-- AES-256-GCM over the key's PRIVATE+KEY text, nonce ‖ ciphertext ‖ tag, with the purpose and the verifier key as
-- associated data (a sealed key cannot be moved to another purpose or paired with another public key). The
-- verifier key is public and stored in clear so the node can show it without the KEK.
create table ledger_keys (
    purpose        text primary key check (purpose in ('log-ed25519', 'log-sm2', 'witness')),
    key_name       text not null,
    verifier_key   text not null,
    sealed_key     bytea not null,
    kek_id         text not null,          -- first 8 hex digits of SHA-256(KEK): which KEK sealed it
    created_at     timestamptz not null
);

-- The audit event an entry records, to find its entry (and receipt) from the event. Not part of what is hashed: the
-- entry itself names the event, so a wrong link shows as soon as the entry is read.
alter table ledger_entries add column event_id uuid;
create unique index ledger_entries_event on ledger_entries (event_id) where event_id is not null;

-- Results of the integrity check (scheduled, or on demand from the console/API), newest last.
create table ledger_integrity_checks (
    id                   uuid primary key,
    checked_at           timestamptz not null,
    trigger              text not null check (trigger in ('scheduled', 'manual', 'startup')),
    actor_id             uuid,
    intact               boolean not null,
    problem              text not null,
    first_bad_index      bigint,
    bad_range_end        bigint,
    detail               text,
    checked_entries      bigint not null,
    checked_checkpoints  integer not null,
    duration_ms          integer not null
);
create index ledger_integrity_checks_time on ledger_integrity_checks (checked_at desc);
