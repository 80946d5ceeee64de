-- Foundation: organizations, users, API clients, personal access tokens, admin audit, data-protection keys.

create table organizations (
    id                uuid primary key,
    code              char(18) not null,          -- 统一社会信用代码 (GB 32100)
    name              text not null check (length(name) between 1 and 200),
    level             text not null check (level in ('Province', 'City', 'County', 'Town', 'Village')),
    parent_id         uuid references organizations (id),
    is_data_authority boolean not null default false,
    status            text not null default 'Active' check (status in ('Active', 'Disabled')),
    created_at        timestamptz not null,
    updated_at        timestamptz not null,
    version           integer not null default 1,
    constraint organizations_code_key unique (code)
);
create index organizations_parent_idx on organizations (parent_id);

create table users (
    id                   uuid primary key,
    login                text not null check (length(login) between 2 and 64),
    display_name         text not null check (length(display_name) between 1 and 100),
    organization_id      uuid not null references organizations (id),
    roles                text[] not null,
    password_hash        text not null,
    status               text not null default 'Active' check (status in ('Active', 'Disabled')),
    is_demo              boolean not null default false,
    failed_login_count   integer not null default 0,
    locked_until         timestamptz,
    security_stamp       uuid not null,            -- changes on password change or disable; ends old sessions
    password_changed_at  timestamptz not null,
    last_login_at        timestamptz,
    created_at           timestamptz not null,
    updated_at           timestamptz not null,
    version              integer not null default 1
);
create unique index users_login_key on users (lower(login));
create index users_organization_idx on users (organization_id);

create table api_clients (
    id                          uuid primary key,
    key_id                      text not null,
    organization_id             uuid not null references organizations (id),
    name                        text not null check (length(name) between 1 and 100),
    description                 text,
    secret_hash                 bytea not null,     -- SHA-256 of the secret; the secret itself is shown once
    previous_secret_hash        bytea,              -- still accepted until previous_secret_expires_at (rotation grace)
    previous_secret_expires_at  timestamptz,
    ip_allow_list               cidr[] not null default '{}',   -- empty: any address
    rate_limit_per_minute       integer not null check (rate_limit_per_minute between 1 and 1000000),
    status                      text not null default 'Active' check (status in ('Active', 'Suspended', 'Deleted')),
    is_demo                     boolean not null default false,
    last_used_at                timestamptz,
    created_at                  timestamptz not null,
    updated_at                  timestamptz not null,
    version                     integer not null default 1,
    constraint api_clients_key_id_key unique (key_id)
);
create unique index api_clients_name_key on api_clients (organization_id, lower(name)) where status <> 'Deleted';
create index api_clients_organization_idx on api_clients (organization_id, id);

create table personal_access_tokens (
    id            uuid primary key,
    token_id      text not null,
    user_id       uuid not null references users (id),
    name          text not null check (length(name) between 1 and 100),
    roles         text[] not null,   -- at most the user's roles; the effective set is re-checked on every use
    secret_hash   bytea not null,
    created_at    timestamptz not null,
    expires_at    timestamptz not null,
    revoked_at    timestamptz,
    last_used_at  timestamptz,
    constraint personal_access_tokens_token_id_key unique (token_id)
);
create index personal_access_tokens_user_idx on personal_access_tokens (user_id);

-- Admin audit (管理操作审计). Append-only: the trigger below refuses updates and deletes.
create table admin_audit_events (
    time                   timestamptz not null,
    id                     uuid not null,
    actor_kind             text not null,
    actor_id               uuid,
    actor_name             text not null,
    actor_organization_id  uuid,
    action                 text not null,
    target_type            text not null,
    target_id              text not null,
    target_name            text,
    before                 jsonb,
    after                  jsonb,
    request_id             text,
    source_ip              inet,
    primary key (time, id)
);
create index admin_audit_events_target_idx on admin_audit_events (target_type, target_id, time desc);
create index admin_audit_events_actor_idx on admin_audit_events (actor_id, time desc);
create index admin_audit_events_action_idx on admin_audit_events (action, time desc);

create function admin_audit_events_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'admin_audit_events is append-only' using errcode = 'insufficient_privilege';
end
$$;
create trigger admin_audit_events_no_update before update or delete or truncate on admin_audit_events
    for each statement execute function admin_audit_events_append_only();

-- ASP.NET Data Protection key ring, so console sessions and antiforgery tokens survive restarts and
-- are shared by every server instance of a node.
create table data_protection_keys (
    friendly_name  text primary key,
    xml            text not null,
    created_at     timestamptz not null default now()
);

-- Small node-wide facts (e.g. when the demo data set was loaded).
create table node_settings (
    key         text primary key,
    value       jsonb not null,
    updated_at  timestamptz not null
);
