-- Catalog (政务信息资源目录): data resources, their schema versions, and Chinese search. See docs/catalog.md.

-- pg_trgm gives the trigram GIN index behind substring search (ILIKE) and similarity ranking. It is a trusted
-- extension (PostgreSQL 13+): the database owner may create it; otherwise a superuser creates it once beforehand.
-- Trigrams of Chinese text need a UTF-8 LC_CTYPE (e.g. C.UTF-8); under the plain C locale CJK characters are not
-- word characters and produce no trigrams (docs/catalog.md, "Search").
create extension if not exists pg_trgm;

-- Every character and every pair of adjacent characters of a text, lower-cased: Chinese words are mostly one or two
-- characters (人口, 婚姻, 学籍), shorter than a trigram, so one- and two-character search terms use this array's GIN
-- index instead. Pairs across white space or punctuation are left out.
create function catalog_grams(value text) returns text[]
    language sql immutable strict parallel safe
    return (
        select coalesce(array_agg(distinct gram), '{}')
        from (select lower(value) as t) source,
             generate_series(1, 2) as size,
             generate_series(1, length(t) - size + 1) as position,
             substr(t, position, size) as gram
        where gram !~ '[[:space:][:punct:]]'
    );

-- The last sequence number (顺序码) given out under each category (前段码). Codes given explicitly move it forward,
-- so a generated code never collides with one chosen by hand.
create table catalog_sequences (
    category    char(9) primary key,
    last_value  integer not null check (last_value between 1 and 999999)
);

create table data_resources (
    id                     uuid primary key,
    code                   text not null,                 -- 信息资源代码, e.g. 101001000/000001
    category               char(9) not null,              -- 类项目细目, the code's first nine digits
    name                   text not null check (length(name) between 1 and 200),
    summary                text not null check (length(summary) between 1 and 4000),
    provider_id            uuid not null references organizations (id),
    format                 text not null,
    sharing_type           text not null check (sharing_type in ('Unconditional', 'Conditional', 'NotShared')),
    sharing_conditions     text,
    legal_basis            text,
    open_type              text not null check (open_type in ('NotOpen', 'Conditional', 'Unconditional')),
    open_conditions        text,
    update_frequency       text not null check (update_frequency in ('Realtime', 'Daily', 'Weekly', 'Monthly', 'Quarterly', 'Yearly', 'Irregular')),
    keywords               text[] not null default '{}',
    contact_name           text,
    contact_email          text,
    contact_phone          text,
    expected_record_count  bigint check (expected_record_count >= 0),
    status                 text not null check (status in ('Draft', 'Published', 'Retired')),
    version_major          integer not null check (version_major >= 1),   -- the current schema version
    version_minor          integer not null check (version_minor >= 0),
    -- Derived from the current version on every write, for filters and badges without reading the schema.
    classifications        text[] not null,
    has_personal_info      boolean not null,
    field_count            integer not null,
    -- What search matches: code, name, summary, keywords, field labels and names.
    search_text            text not null,
    search_grams           text[] generated always as (catalog_grams(search_text)) stored,
    revision               integer not null default 1,    -- any change; editors send it back (optimistic concurrency)
    created_at             timestamptz not null,
    updated_at             timestamptz not null,
    published_at           timestamptz,
    retired_at             timestamptz,
    constraint data_resources_code_key unique (code),
    constraint data_resources_code_category check (left(code, 9) = category),
    -- 不予共享 must name its legal basis (国发〔2016〕51号); the service says so first, this keeps it true.
    constraint data_resources_not_shared_basis check (sharing_type <> 'NotShared' or length(legal_basis) > 0)
);
create index data_resources_search_trgm_idx on data_resources using gin (search_text gin_trgm_ops);
create index data_resources_search_grams_idx on data_resources using gin (search_grams);
create index data_resources_provider_idx on data_resources (provider_id, code);
create index data_resources_status_idx on data_resources (status, code);

-- Every schema version of a resource. A draft's only version is edited in place; once published, a change to the
-- fields adds a version and leaves the old ones as they were, so consumers can read what they integrated against.
create table data_resource_versions (
    resource_id     uuid not null references data_resources (id),
    major           integer not null check (major >= 1),
    minor           integer not null check (minor >= 0),
    fields          jsonb not null,                -- the fields as the API writes them (docs/catalog.md)
    change_kind     text not null check (change_kind in ('Initial', 'Additive', 'Breaking')),
    change_reasons  jsonb not null default '[]',   -- [{field, code, reason, breaking, arguments}]
    created_by      text not null,
    created_at      timestamptz not null,
    published_at    timestamptz,
    primary key (resource_id, major, minor)
);
