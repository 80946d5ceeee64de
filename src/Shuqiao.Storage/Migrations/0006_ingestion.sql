-- Ingestion (数据归集): records of resources, their superseded versions, upload batches and their rejected rows.
-- See docs/ingestion.md.

-- The current record of every (resource, key). Citus-ready (design §7): resource_id leads the primary key, so the
-- table can be distributed by resource; no foreign key points into it and none points out of it either (a
-- distributed table cannot reference a local one cheaply, and records of a retired resource are kept).
create table records (
    resource_id  uuid not null,
    key          text not null,          -- canonical text of the key fields (docs/ingestion.md, "Keys")
    payload      jsonb not null,         -- the present values in schema order
    version      integer not null check (version >= 1),   -- 1 when first stored, +1 on every change
    batch_id     uuid not null,          -- the batch that wrote this version
    updated_at   timestamptz not null,
    primary key (resource_id, key)
);

-- Superseded versions: every version replaced by a changed payload or removed by a delete, kept for lineage,
-- accuracy checks (准确性) and audit. Same distribution key as records.
create table record_history (
    resource_id    uuid not null,
    key            text not null,
    version        integer not null,
    payload        jsonb not null,
    batch_id       uuid not null,         -- the batch that wrote this version
    updated_at     timestamptz not null,  -- when this version was written
    superseded_at  timestamptz not null,
    superseded_by  uuid not null,         -- the batch that replaced or deleted it
    deleted        boolean not null,      -- true when the record was deleted rather than changed
    -- Not (resource_id, key, version): a deleted record that comes back starts again at version 1. A batch holds a
    -- key at most once, so the superseding batch tells versions apart.
    primary key (resource_id, key, superseded_by)
);

-- One upload. A batch row is written in the same transaction as its records, so after a crash a batch is either
-- fully present (row and records) or fully absent, and a retry with the same Idempotency-Key starts afresh.
-- Refused batches (all-or-nothing with a bad row) are kept too, with no records, so the answer can be read back.
create table ingest_batches (
    id                uuid primary key,
    resource_id       uuid not null references data_resources (id),
    schema_major      integer not null,     -- the schema version the rows were checked against
    schema_minor      integer not null,
    organization_id   uuid not null references organizations (id),   -- the uploader's organization
    actor_kind        text not null check (actor_kind in ('User', 'ApiClient')),
    actor_id          uuid not null,        -- user or API client id
    actor_name        text not null,        -- login or key id, as the audit shows it
    idempotency_key   text check (length(idempotency_key) between 1 and 200),
    request_hash      bytea not null,       -- SHA-256 of format, mode, charset and body
    format            text not null check (format in ('Csv', 'Json', 'Ndjson')),
    charset           text not null,
    mode              text not null check (mode in ('AllOrNothing', 'Partial')),
    status            text not null check (status in ('Committed', 'Rejected')),
    received          bigint not null,      -- data rows read (header and blank lines not counted)
    accepted          bigint not null,
    rejected          bigint not null,
    inserted          bigint not null,
    updated           bigint not null,
    deleted           bigint not null,
    unchanged         bigint not null,
    warnings          bigint not null,      -- findings of fields with onInvalid = Warn
    bytes             bigint not null,
    started_at        timestamptz not null,
    validated_at      timestamptz not null, -- rows read, checked and staged
    finished_at       timestamptz not null
);

-- Idempotency keys are scoped to the caller and the resource: two clients may pick the same key.
create unique index ingest_batches_idempotency on ingest_batches (actor_id, resource_id, idempotency_key)
    where idempotency_key is not null;
create index ingest_batches_resource on ingest_batches (resource_id, started_at desc, id desc);

-- Rejected rows: why, and the row as sent (for the downloadable CSV). Raw rows may hold personal data: only the
-- uploading organization and PlatformAdmin read them; they are kept with the batch (docs/ingestion.md, "Retention").
create table ingest_rejections (
    batch_id     uuid not null references ingest_batches (id) on delete cascade,
    ordinal      integer not null,       -- order of the issue within the batch
    row_number   bigint not null,        -- data row from 1 (CSV: the header is row 0); 0 = the upload as a whole
    field        text not null,
    code         text not null,
    reason       text not null,
    raw          text,
    primary key (batch_id, ordinal)
);

-- Findings of fields with onInvalid = Warn: the record was stored, the value is of poor quality (Quality reads these).
create table ingest_findings (
    batch_id     uuid not null references ingest_batches (id) on delete cascade,
    ordinal      integer not null,
    row_number   bigint not null,
    record_key   text not null,
    field        text not null,
    code         text not null,
    reason       text not null,
    primary key (batch_id, ordinal)
);
