-- wrk script for bench/load.py: replays a file of prepared requests, one per line, each made unique.
--
-- Usage: wrk -t1 -c8 -d5s -s bench/wrk/requests.lua http://127.0.0.1:PORT -- requests.tsv
-- Each line of requests.tsv is   METHOD <TAB> PATH <TAB> HEADERS <TAB> BODY
-- with HEADERS as "Name: value" pairs joined by "|". In headers and body, "@N@" becomes a token unique in
-- the run (thread number and a counter: Idempotency-Keys, source_event_ids) and "@C@" the thread's counter,
-- which only grows (steps that rise, so every report is a write). Thread t of T takes lines t, t+T, ..., so two
-- threads never send the same line; a thread cycles through its lines. Statuses are counted per thread and
-- printed with the latency percentiles as one JSON line by done().

local threads = {}
local lines = {}
local counter = 0
statuses = {}

function setup(thread)
   thread:set("tid", #threads)
   table.insert(threads, thread)
end

local function parse(line)
   local method, path, headers, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
   local h = {}
   for pair in headers:gmatch("[^|]+") do
      local name, value = pair:match("^([^:]+):%s*(.*)$")
      h[name] = value
   end
   return { method = method, path = path, headers = h, body = body ~= "" and body or nil }
end

function init(args)
   local path, nthreads = args[1], tonumber(args[2] or "1")
   local n = 0
   for line in io.lines(path) do
      if line ~= "" then
         if n % nthreads == tid then
            table.insert(lines, parse(line))
         end
         n = n + 1
      end
   end
   if #lines == 0 then
      error("no requests for thread " .. tid .. " in " .. path)
   end
end

local function fill(text, unique, count)
   if text == nil then
      return nil
   end
   return (text:gsub("@N@", unique):gsub("@C@", count))
end

function request()
   counter = counter + 1
   local r = lines[(counter - 1) % #lines + 1]
   local unique, count = tid .. "-" .. counter, tostring(counter)
   local headers = {}
   for name, value in pairs(r.headers) do
      headers[name] = fill(value, unique, count)
   end
   return wrk.format(r.method, fill(r.path, unique, count), headers, fill(r.body, unique, count))
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local merged = {}
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses")) do
         merged[status] = (merged[status] or 0) + count
      end
   end
   local parts = {}
   for status, count in pairs(merged) do
      table.insert(parts, string.format('"%d": %d', status, count))
   end
   local e = summary.errors
   io.write(string.format(
      'WRK_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, "statuses": {%s}}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
      e.connect, e.read, e.write, e.timeout, table.concat(parts, ", ")))
end
