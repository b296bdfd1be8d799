-- bench_result.lua: the done() both wrk scripts of bench/run share — one parsable line
-- with the numbers bench/run needs. Loaded with dofile() from the script's own folder.
--
-- Output (last line):
--   BENCH_RESULT,<requests>,<seconds>,<requests/s>,<p50 us>,<p90 us>,<p99 us>,<errors>
-- where errors counts connect/read/write failures, timeouts and HTTP statuses >= 400.

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout + e.status
  local seconds = summary.duration / 1e6
  io.write(string.format("BENCH_RESULT,%d,%.3f,%.1f,%d,%d,%d,%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), errors))
end
