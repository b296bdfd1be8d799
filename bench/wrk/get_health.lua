-- wrk script: GET the URL given on wrk's command line, over and over (bench/run uses
-- /v2/health/ready: the HTTP round trip of a server without any inference work), and
-- report like kserve_binary.lua does.
--
-- Output (last line, from done()):
--   BENCH_RESULT,<requests>,<seconds>,<requests/s>,<p50 us>,<p90 us>,<p99 us>,<errors>

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout + e.status
  local seconds = summary.duration / 1e6
  io.write(string.format("BENCH_RESULT,%d,%.3f,%.1f,%d,%d,%d,%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), errors))
end
