-- wrk script of bench/load.py: a school morning's mix of API calls, optionally paced.
--
-- LOAD_PLAN names a Lua file (written by bench/load.py) that returns a list of requests
-- {method=, path=, headers={...}, body=}; its repetitions are the mix's weights. Each
-- connection walks the list from its own offset. LOAD_DELAY_MS > 0 paces every connection:
-- that many milliseconds (on average, exponentially drawn so that the connections do not march
-- in step) between a response and its next request, so connections × 1000 / (delay + latency)
-- is the offered rate. done() prints one line "LOADSTATS {json}" with the status counts and
-- the latency percentiles (microseconds), which bench/load.py reads.

local plan = dofile(os.getenv("LOAD_PLAN"))
local delay_ms = tonumber(os.getenv("LOAD_DELAY_MS") or "0")
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
  table.insert(threads, thread)
end

local requests = {}
local index = 0
statuses = {}

function init(args)
  math.randomseed(seed * 7919)
  for i, r in ipairs(plan) do
    requests[i] = wrk.format(r.method, r.path, r.headers, r.body)
  end
  index = math.random(#requests) - 1
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function delay()
  if delay_ms <= 0 then
    return 0
  end
  -- Capped below uvicorn's keep-alive timeout (5 s), which would close the connection.
  return math.min(4000, math.floor(-math.log(1 - math.random()) * delay_ms))
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests_)
  local totals = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do
      totals[status] = (totals[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(totals) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  io.write(string.format(
    'LOADSTATS {"requests": %d, "seconds": %.3f, "socket_errors": %d, "statuses": {%s}, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ", "),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max
  ))
end
