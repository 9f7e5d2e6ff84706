-- Write side of the joint meetings' action items (services/branches/commands.py keeps it in each item
-- command's transaction): who an item is assigned to, its due date, open or done, already marked overdue.
-- The overdue job reads it instead of replaying every item's stream.
CREATE TABLE IF NOT EXISTS action_items (
    item_id       text PRIMARY KEY,
    assignee_kind text NOT NULL,                  -- DEPARTMENT | DISTRICT
    assignee      text NOT NULL,
    due_on        date NOT NULL,
    status        text NOT NULL DEFAULT 'OPEN',   -- OPEN | DONE
    overdue       boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS action_items_due ON action_items (due_on) WHERE status = 'OPEN' AND NOT overdue;
