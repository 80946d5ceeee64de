-- Requests GET $BENCH_PREFIX<key> for random keys k00001…k$BENCH_KEYS, with the headers given in the environment.
local prefix = os.getenv("BENCH_PREFIX")
local keys = tonumber(os.getenv("BENCH_KEYS") or "10000")
local auth = os.getenv("BENCH_AUTH")
local purpose = os.getenv("BENCH_PURPOSE")
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() + (seed or 0) * 7919)
  if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
  if purpose and purpose ~= "" then
    wrk.headers["X-Shuqiao-Purpose"] = purpose
    wrk.headers["X-Shuqiao-User"] = "bench-user"
  end
end

function request()
  return wrk.format("GET", string.format("%sk%05d", prefix, math.random(1, keys)))
end
