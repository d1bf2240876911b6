-- wrk script for POST /v1/credits: one credit per request, every request a new source_ref.
--
--   wrk -t2 -c128 -d20s --latency -H 'Authorization: Bearer sck_...' -s bench/credit-single.lua \
--       http://127.0.0.1:5090 -- RUN_ID HOLDERS_FILE
--
-- RUN_ID prefixes every source_ref (so runs against the same database never replay each other) and HOLDERS_FILE
-- lists holder ids, one a line; request n of thread t credits holder (n + t) mod count with an amount of
-- 1 to 997 micro-dollars. source_ref = RUN_ID-t<thread>-<n>: a per-thread counter, so refs are unique without
-- any coordination between wrk's threads.
-- CREDIT_LOAD_PACE_MS=P in the environment (default 0: as fast as the server answers) makes each connection pause a
-- random 0 to 2P whole milliseconds (mean P) after each answer, which holds the offered rate near
-- connections / (P + latency): a rate below saturation at which to read the latency.
-- done() prints one line "WRK_JSON {...}" with the counts and latency percentiles (microseconds) for the caller.

local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  run_id = args[1] or "run"
  local file = args[2] or error("credit-single.lua: pass -- RUN_ID HOLDERS_FILE")
  holders = {}
  for line in io.lines(file) do
    if #line > 0 then
      holders[#holders + 1] = line
    end
  end
  if #holders == 0 then
    error("credit-single.lua: no holders in " .. file)
  end
  n = 0
  math.randomseed(tid * 7919 + os.time())
  -- wrk.format uses wrk.headers (the -H options, so the API key) only when it is given no header table.
  wrk.headers["Content-Type"] = "application/json"
  prefix = '{"source_ref":"' .. run_id .. "-t" .. tid .. "-"
end

function request()
  n = n + 1
  local holder = holders[((n + tid) % #holders) + 1]
  local amount = string.format("0.%06d", (n % 997) + 1)
  local body = prefix .. n .. '","holder_id":"' .. holder .. '","amount":"' .. amount .. '","currency":"USD"}'
  return wrk.format("POST", "/v1/credits", nil, body)
end

-- Defined only when pacing: wrk schedules a timer after every answer when the script has a delay().
local pace = tonumber(os.getenv("CREDIT_LOAD_PACE_MS") or "0")
if pace > 0 then
  function delay()
    return math.random(0, 2 * pace)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"non_2xx":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean))
end
