-- Moves the ledger head from (old_size, old_root) to (new_size, new_root), or fails with SQLSTATE SQ409 when the head
-- is not (old_size, old_root) any more: another appender (another server instance, an admin change) got there first.
-- The group-commit writer sends a whole batch — this check, the audit rows, the entries — in one round trip as one
-- transaction, instead of locking the head and waiting for it before writing; on SQ409 nothing of the batch exists
-- and the writer falls back to locking the head. The UPDATE takes the row lock, so a concurrent appender is waited
-- for and its new head seen.
create function ledger_advance(old_size bigint, old_root bytea, new_size bigint, new_root bytea, at timestamptz) returns void
language plpgsql as $$
begin
    update ledger_state set size = new_size, root = new_root, updated_at = at
    where singleton and size = old_size and root = old_root;
    if not found then
        raise exception 'the ledger head is no longer at size %', old_size using errcode = 'SQ409';
    end if;
end
$$;
