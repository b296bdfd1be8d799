-- wrk script: GET the URL given on wrk's command line, over and over (bench/run uses
-- /v2/health/ready: the HTTP round trip of a server without any inference work), and
-- report like kserve_binary.lua does (the BENCH_RESULT line of bench_result.lua).

dofile(string.match(debug.getinfo(1, "S").source, "^@(.*/)") .. "bench_result.lua")
