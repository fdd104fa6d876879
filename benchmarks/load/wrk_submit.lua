-- wrk script of the form handler's load benchmark (benchmarks/load_bench.py writes its arguments).
-- wrk -s wrk_submit.lua URL -- METHOD PATH [BODY_TEMPLATE_FILE CONTENT_TYPE COOKIE TAG DELAY_MS FIXED_ADDRESS FIRST]
-- A POST sends a unique application each time: the template's @N@ marks become a counter, and each
-- request comes from its own address (X-Forwarded-For), so the per-address limit stays on but is not hit.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  method, path = args[1], args[2]
  statuses = {}
  counter = 0
  delay_ms = tonumber(args[7] or "0") or 0
  fixed_address = args[8]
  -- Where this run's addresses start, so that no two runs share one (the limit is 5 a minute each).
  first_address = tonumber(args[9] or "0") or 0
  if delay_ms > 0 then
    -- Defined only when asked for: with a delay function wrk schedules every request on a timer.
    function delay()
      return delay_ms
    end
  end
  if method == "POST" then
    local file = assert(io.open(args[3], "rb"))
    local template = file:read("*a")
    file:close()
    parts = {}
    for piece in (template .. "@N@"):gmatch("(.-)@N@") do
      table.insert(parts, piece)
    end
    content_type, cookie, tag = {}, args[5], args[6]
    for piece in (args[4] .. "@N@"):gmatch("(.-)@N@") do
      table.insert(content_type, piece)
    end
  end
end

function request()
  counter = counter + 1
  if method ~= "POST" then
    return wrk.format(method, path)
  end
  local n = tag .. "-" .. thread_number .. "-" .. counter
  local address = fixed_address
  if address == nil or address == "" then
    local k = first_address + (thread_number - 1) * 200000 + counter
    address = string.format("10.%d.%d.%d", math.floor(k / 65536) % 256, math.floor(k / 256) % 256, k % 256)
  end
  return wrk.format(method, path, {
    ["Content-Type"] = table.concat(content_type, n),
    ["Cookie"] = cookie,
    ["X-Forwarded-For"] = address,
  }, table.concat(parts, n))
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  local counts = {}
  for status, count in pairs(totals) do
    table.insert(counts, string.format('"%d": %d', status, count))
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout, table.concat(counts, ", ")))
end
