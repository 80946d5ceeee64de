-- Sharing (供需对接): requests and their history, grants, notifications and organization webhooks.
-- See docs/sharing.md.

-- 共享申请. The state machine lives in Core (SharingRequest); this row is its persisted form. Terms and review steps
-- are jsonb because they are read and written whole; the columns that lists filter on are plain columns.
-- Row scopes are RowFilterJson; scope_fields holds the definitions (name, type…) of the fields the scopes name as
-- they were when written, so a scope still reads with its types after the resource's schema moves on.
create table sharing_requests (
    id                          uuid primary key,
    resource_id                 uuid not null references data_resources (id),
    resource_code               text not null,
    provider_id                 uuid not null references organizations (id),
    requester_organization_id   uuid not null references organizations (id),
    requester_client_id         uuid references api_clients (id),
    purpose                     text not null check (length(purpose) between 1 and 2000),
    scenario                    text,
    legal_basis                 text,
    requested                   jsonb not null,     -- SharingTerms: fields, rowScope, validFrom, validTo, dailyQuota, mode
    approved                    jsonb,              -- the approved terms once an approval was given
    masking_overrides           jsonb not null default '{}',   -- field → rule ({"rule":"KeepFirstLast","first":1,"last":1})
    lifted_fields               text[] not null default '{}',  -- overrides that lift masking, each confirmed by the approver
    scope_fields                jsonb not null default '[]',
    review                      jsonb not null default '{}',   -- approval, coApproval, rejection, disputeReason, arbitration, arbitrator
    status                      text not null check (status in ('Submitted', 'UnderReview', 'Escalated', 'PendingAuthority', 'Approved', 'Rejected', 'Disputed', 'Withdrawn')),
    submitted_at                timestamptz not null,
    reply_due_at                timestamptz,
    escalated_at                timestamptz,
    updated_at                  timestamptz not null,
    revision                    integer not null check (revision >= 1)
);
create index sharing_requests_requester_idx on sharing_requests (requester_organization_id, id desc);
create index sharing_requests_provider_idx on sharing_requests (provider_id, id desc);
create index sharing_requests_status_idx on sharing_requests (status, id desc);
-- The escalation job's scan: open requests whose reply is owed, by deadline.
create index sharing_requests_due_idx on sharing_requests (reply_due_at) where status in ('Submitted', 'UnderReview');

-- Every step of a request (the history "everyone involved" sees): who, in which capacity, from which status to which,
-- and the reason or comment given. Personal data never goes here; ids and the words of the reviewer only.
create table sharing_request_events (
    request_id       uuid not null references sharing_requests (id),
    seq              integer not null,
    at               timestamptz not null,
    action           text not null,          -- submit, review, approve, coApprove, reject, withdraw, escalate, dispute, arbitrate
    actor_kind       text not null,
    actor_id         uuid,
    actor_name       text not null,
    actor_organization_id uuid,
    capacity         text,                   -- Provider | DataAuthority for review steps
    from_status      text,
    to_status        text not null,
    reason           text,
    details          jsonb,
    primary key (request_id, seq)
);

-- 授权: what the gateway reads. One indexed query finds the live grant of (resource, organization, client):
-- consumer_client_id null means any client of the consumer organization.
create table grants (
    id                          uuid primary key,
    request_id                  uuid not null unique references sharing_requests (id),
    resource_id                 uuid not null references data_resources (id),
    resource_code               text not null,
    provider_id                 uuid not null references organizations (id),
    consumer_organization_id    uuid not null references organizations (id),
    consumer_client_id          uuid references api_clients (id),
    fields                      text[] not null check (cardinality(fields) >= 1),
    row_filter                  jsonb,               -- RowFilterJson; null = every row
    scope_fields                jsonb not null default '[]',
    masking_overrides           jsonb not null default '{}',
    lifted_fields               text[] not null default '{}',
    purpose                     text not null,
    valid_from                  timestamptz not null,
    valid_to                    timestamptz not null check (valid_to > valid_from),
    daily_quota                 integer check (daily_quota > 0),
    mode                        text not null check (mode in ('Read', 'VerifyOnly')),
    authority_approved          boolean not null,
    status                      text not null check (status in ('Active', 'Suspended', 'Revoked', 'Expired')),
    status_reason               text,
    created_at                  timestamptz not null,
    updated_at                  timestamptz not null,
    revision                    integer not null check (revision >= 1)
);
-- The gateway's lookup (design §3): by resource and consumer, only grants that may still serve.
create index grants_consumer_idx on grants (resource_id, consumer_organization_id, consumer_client_id)
    where status in ('Active', 'Suspended');
create index grants_consumer_org_idx on grants (consumer_organization_id, id desc);
create index grants_provider_idx on grants (provider_id, id desc);
-- The expiry job's scan.
create index grants_expiry_idx on grants (valid_to) where status in ('Active', 'Suspended');

-- Every change of a grant tells listeners (the gateway's cache) in the same transaction: NOTIFY is delivered at commit,
-- never for a rolled-back change. The payload names the grant and the (resource, consumer) key it serves.
create function grants_notify_changed() returns trigger language plpgsql as $$
declare
    g grants;
begin
    g := coalesce(new, old);
    perform pg_notify('grants_changed', json_build_object(
        'id', g.id, 'resourceId', g.resource_id, 'organizationId', g.consumer_organization_id,
        'clientId', g.consumer_client_id, 'op', lower(tg_op))::text);
    return null;
end
$$;
create trigger grants_changed after insert or update or delete on grants
    for each row execute function grants_notify_changed();

-- The console inbox: one row per recipient organization (user_id null: everyone of it) and state change.
-- Payloads are ids, codes and statuses, never personal data.
create table notifications (
    id               uuid primary key,
    organization_id  uuid not null references organizations (id),
    user_id          uuid references users (id),
    kind             text not null,          -- e.g. sharing.request.submit, grant.revoke
    request_id       uuid references sharing_requests (id),
    grant_id         uuid references grants (id),
    resource_code    text,
    status           text,
    created_at       timestamptz not null,
    read_at          timestamptz
);
create index notifications_inbox_idx on notifications (organization_id, id desc);

-- One webhook per organization. The secret signs deliveries (HMAC-SHA256), so it must be recoverable: it is stored
-- encrypted with the node's Data Protection key ring, never in clear, and shown once when set.
create table organization_webhooks (
    organization_id   uuid primary key references organizations (id),
    url               text not null check (url ~ '^https?://'),
    secret_protected  text not null,
    enabled           boolean not null,
    created_at        timestamptz not null,
    updated_at        timestamptz not null
);

-- The outbox of webhook deliveries, written with the state change that caused them; the delivery job takes due rows
-- with FOR UPDATE SKIP LOCKED, so several server instances share the work without sending twice.
create table webhook_deliveries (
    id                uuid primary key,
    organization_id   uuid not null references organizations (id),
    event_type        text not null,
    payload           jsonb not null,
    status            text not null check (status in ('Pending', 'Delivered', 'Failed')),
    attempts          integer not null default 0,
    next_attempt_at   timestamptz not null,
    last_status_code  integer,
    last_error        text,
    created_at        timestamptz not null,
    delivered_at      timestamptz
);
create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'Pending';
create index webhook_deliveries_org_idx on webhook_deliveries (organization_id, id desc);
