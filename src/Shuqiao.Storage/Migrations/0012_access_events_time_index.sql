-- access_events_time_idx (time desc) duplicated the primary key (time, client_id, id), which already serves a scan by
-- time in either direction; every gateway call paid for the second index on insert.
drop index access_events_time_idx;
