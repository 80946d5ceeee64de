-- Quality (数据质量, GB/T 36344-2018): one row per measurement of a resource, kept so the series is the trend.
-- See docs/quality.md. Citus-friendly: nothing references records or record_history; reports are small and local.

create table quality_reports (
    id                     uuid primary key,
    resource_id            uuid not null references data_resources (id),
    provider_id            uuid not null references organizations (id),  -- the provider when measured (ranking)
    measured_at            timestamptz not null,
    trigger                text not null check (trigger in ('Batch', 'Schedule', 'Manual')),
    batch_id               uuid,              -- the batch that triggered it; no foreign key (batches may be pruned)
    duration_ms            integer not null,
    -- The counts every score is computed from (docs/quality.md, "Formulas").
    records                bigint not null,
    expected_records       bigint,
    conformity_checked     bigint not null,
    conformity_failed      bigint not null,
    required_checked       bigint not null,
    required_missing       bigint not null,
    unique_checked         bigint not null,
    unique_duplicates      bigint not null,
    reference_checked      bigint not null,
    reference_unresolved   bigint not null,
    update_frequency       text not null,
    last_update_at         timestamptz,       -- last committed batch (or publication, never loaded)
    access_requests        bigint,            -- null until the exchange gateway reports calls
    access_failed          bigint,
    -- Scores 0–100 (one decimal); null = not measured.
    conformity             numeric(4, 1),
    completeness           numeric(4, 1),
    accuracy               numeric(4, 1),
    consistency            numeric(4, 1),
    timeliness             numeric(4, 1),
    accessibility          numeric(4, 1),
    overall                numeric(4, 1),
    rating                 text check (rating in ('Excellent', 'Good', 'Fair', 'Poor', 'VeryPoor')),
    -- Failing examples: [{dimension, field, code, key}], record keys only (masked when personal), never values.
    samples                jsonb not null default '[]'
);

create index quality_reports_resource on quality_reports (resource_id, measured_at desc, id desc);

-- The scheduled sweep runs on one server instance at a time: an instance leases it and renews the lease while working.
create table quality_sweeps (
    name          text primary key,
    leased_by     text not null,
    leased_until  timestamptz not null
);
