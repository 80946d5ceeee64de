-- A call that was allowed but failed on the server (an error reading or answering) is an access event too
-- (outcome 'Failed', docs/audit.md): the auditor sees the attempt even though no answer, or only an error, left.
alter table access_events drop constraint access_events_outcome_check;
alter table access_events add constraint access_events_outcome_check check (outcome in ('Allowed', 'Denied', 'Failed')) not valid;
alter table access_events validate constraint access_events_outcome_check;
