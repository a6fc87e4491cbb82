-- POSTs the benchmark query (BODY_FILE) as JSON, with AUTHORIZATION as the Authorization header when set.
-- No response() callback: wrk would copy every ~90 KB answer into Lua. The answer is checked before and after.
local f = assert(io.open(os.getenv("BODY_FILE"), "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("AUTHORIZATION")
if auth and auth ~= "" then wrk.headers["Authorization"] = auth end

-- One machine-readable line (latencies in microseconds).
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status
  io.write(string.format(
    'WRKJSON {"requests":%d,"seconds":%.3f,"errors":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration / 1e6, errors, latency:percentile(50), latency:percentile(99), latency.max))
end
