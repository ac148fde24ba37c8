-- The throttles' counters (lib/rate-limit.ts) skip the write-ahead log: each counted request is then
-- an upsert whose commit does not wait for a WAL flush, which is most of what a per-key rate limit
-- costs. What is given up is harmless for counters of one-minute to fifteen-minute windows: after a
-- crash PostgreSQL empties the table (every window starts afresh), and standbys do not have it (a
-- failover does the same).
ALTER TABLE "rate_limits" SET UNLOGGED;
