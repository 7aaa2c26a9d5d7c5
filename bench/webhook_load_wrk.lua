-- wrk script for webhooks.bench: replays pre-signed POST /webhooks/salesforce/events
-- requests (HMAC in Lua is awkward, so Python signs them up front). Each wrk thread takes
-- every Nth line of the file so no two threads send the same event id.
-- File format, one request a line: <timestamp>\t<signature header>\t<json body>
local counter = 1

function setup(thread)
  thread:set("thread_id", counter)
  counter = counter + 1
end

function init(args)
  local path = os.getenv("RADAR_BENCH_REQUESTS")
  local nthreads = tonumber(os.getenv("RADAR_BENCH_THREADS"))
  prepared = {}
  local n, i = 0, 0
  for line in io.lines(path) do
    if (i % nthreads) + 1 == thread_id then
      local ts, sig, body = line:match("^(%d+)\t([^\t]+)\t(.*)$")
      n = n + 1
      prepared[n] = wrk.format("POST", "/webhooks/salesforce/events", {
        ["Content-Type"] = "application/json",
        ["X-Radar-Timestamp"] = ts,
        ["X-Radar-Signature"] = sig,
      }, body)
    end
    i = i + 1
  end
  count = n
  index = 0
end

function request()
  index = index + 1
  -- Past the end the ids repeat and the service answers 409: counted as non-2xx.
  if index > count then index = 1 end
  return prepared[index]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "non_2xx": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "timeouts": %d, "p50_us": %d, ' ..
    '"p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
