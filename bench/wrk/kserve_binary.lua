-- wrk script: POST one KServe v2 binary-tensor request body, over and over.
--
-- Why this exists: wrk is the load generator of bench/run; this script gives it the
-- request (made by make_bodies.py) and reports the numbers run needs as one parsable line.
--
-- Environment:
--   BENCH_BODY   path prefix of the request: reads $BENCH_BODY.body and $BENCH_BODY.hlen
--   BENCH_MODEL  model name; the request goes to /v2/models/$BENCH_MODEL/infer
-- Output (last line, from done()):
--   BENCH_RESULT,<requests>,<seconds>,<requests/s>,<p50 us>,<p90 us>,<p99 us>,<errors>
-- where errors counts connect/read/write failures, timeouts and HTTP statuses >= 400.

local function read_file(path, mode)
  local f = assert(io.open(path, mode), "cannot open " .. path)
  local content = f:read("*a")
  f:close()
  return content
end

local prefix = assert(os.getenv("BENCH_BODY"), "set BENCH_BODY to the body path prefix")
local model = assert(os.getenv("BENCH_MODEL"), "set BENCH_MODEL to the model name")

wrk.method = "POST"
wrk.path = "/v2/models/" .. model .. "/infer"
wrk.body = read_file(prefix .. ".body", "rb")
wrk.headers["Content-Type"] = "application/octet-stream"
wrk.headers["Inference-Header-Content-Length"] =
  string.match(read_file(prefix .. ".hlen", "r"), "%d+")

-- done(): the BENCH_RESULT line, shared with get_health.lua.
dofile(string.match(debug.getinfo(1, "S").source, "^@(.*/)") .. "bench_result.lua")
