-- A call that was allowed but failed on the server (an error reading or answering) is an access event too
-- (outcome 'Failed', docs/audit.md): the auditor sees the attempt even though no answer, or only an error, left.
-- NOT VALID and never validated: every existing row already satisfies the narrower old check, and validating would
-- scan the whole audit table under this migration's exclusive lock, holding up every other node's audit writes.
alter table access_events drop constraint access_events_outcome_check;
alter table access_events add constraint access_events_outcome_check check (outcome in ('Allowed', 'Denied', 'Failed')) not valid;
