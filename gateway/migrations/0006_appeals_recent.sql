-- The city-wide appeals list (newest first, keyset on received_at, appeal_id): without a district the
-- (district, received_at, …) index cannot serve the order, and every page sorted all appeals (≈ 200 ms
-- per page at 60,000 appeals, benchmark 5). This one serves it in index order.
CREATE INDEX IF NOT EXISTS st_appeals_recent ON st_appeals (received_at DESC, appeal_id DESC);
