-- 数据主体 (docs/audit.md, "Data subjects"): the audit's handle on the people a gateway call read or verified records
-- about — keyed digests of the personal key values (e.g. 公民身份号码) of those records, never the values. Null when
-- the resource's key is not personal information, and for denials. The GIN index answers "which calls read records
-- about this person" (the auditors' search now, the citizens' portal later).
alter table access_events add column subjects text[];
create index access_events_subjects_idx on access_events using gin (subjects) where subjects is not null;
