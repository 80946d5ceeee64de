-- Exchange gateway (数据交换): the access audit (访问审计) and the daily quota counters. See docs/exchange.md, docs/audit.md.

-- One row per gateway request, allowed or denied (design §2 AccessEvent), written by the ledger's group-commit batch
-- in the same transaction as its ledger entry. Citus-ready (design §7): time and client lead the primary key, no
-- foreign key points into it (nor out of it: events outlive clients, grants and resources). Append-only.
create table access_events (
    time             timestamptz not null,
    client_id        uuid not null,
    id               uuid not null,
    organization_id  uuid not null,
    end_user         text,                 -- X-Shuqiao-User: the consumer's identifier of the person it acts for
    resource_id      uuid,                 -- null only when the requested resource code does not exist
    resource_code    text,                 -- as requested (public catalog data)
    grant_id         uuid,
    provider_id      uuid,                 -- the resource's provider, for 数据使用情况
    operation        text not null check (operation in ('Query', 'Record', 'Verify', 'Changes')),
    shape            text not null,        -- QueryShape: fields and operators, never values
    rows_returned    integer not null check (rows_returned >= 0),
    masked_fields    text[] not null default '{}',
    purpose          text,
    outcome          text not null check (outcome in ('Allowed', 'Denied')),
    reason           text,                 -- DenialReason when denied
    latency_us       bigint not null,
    request_id       text,
    primary key (time, client_id, id)
);

-- The auditor's searches (docs/audit.md): by organization, client, resource, user, outcome, each over time.
create index access_events_org_idx on access_events (organization_id, time desc);
create index access_events_client_idx on access_events (client_id, time desc);
create index access_events_resource_idx on access_events (resource_id, time desc);
create index access_events_provider_idx on access_events (provider_id, time desc);
create index access_events_user_idx on access_events (end_user, time desc) where end_user is not null;
create index access_events_denied_idx on access_events (time desc) where outcome = 'Denied';
create index access_events_time_idx on access_events (time desc);

create function access_events_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'access_events is append-only' using errcode = 'insufficient_privilege';
end
$$;
create trigger access_events_no_update before update or delete or truncate on access_events
    for each statement execute function access_events_append_only();

-- Daily quota (每日调用限额): allowed requests per grant per Asia/Shanghai day. One atomic conditional increment per
-- allowed request, so several server instances share the count. No foreign key (grants may be removed with their
-- request in tests; the counters are plain numbers).
create table exchange_quota_usage (
    grant_id  uuid not null,
    day       date not null,
    used      bigint not null,
    primary key (grant_id, day)
);

-- Anomaly flags (异常访问), computed periodically from access_events (docs/audit.md "Anomalies").
create table access_anomalies (
    id           uuid primary key,
    kind         text not null check (kind in ('VolumeSpike', 'OffHoursBulk', 'RepeatedDenials')),
    client_id    uuid not null,
    organization_id uuid not null,
    day          date not null,          -- Asia/Shanghai day the flag is about
    observed     bigint not null,        -- rows (volume, off-hours) or denials
    threshold    bigint not null,
    detected_at  timestamptz not null,
    unique (kind, client_id, day)
);
create index access_anomalies_day_idx on access_anomalies (day desc);
