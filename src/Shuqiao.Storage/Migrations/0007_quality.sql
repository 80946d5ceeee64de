-- PLACEHOLDER on branch sharing-server only: 0007 is assigned to the Quality capability (another branch). The migrator
-- refuses gaps, so this empty file lets 0008_sharing apply here. Drop it when merging (take quality's 0007).
select 1;
