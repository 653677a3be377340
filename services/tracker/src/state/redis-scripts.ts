/**
 * Lua scripts that keep one swarm consistent in Redis (atomic per call, so several tracker instances can
 * announce into the same swarm). Per swarm `<prefix>s:<hex>`: `:peers` HASH peer id ‖ address (36 bytes) →
 * record (address 16 | port 2 | flags 1 | key 4), `:exp` ZSET peer id ‖ address → expiry (ms), `:cnt` HASH
 * s/l/d (seeders, leechers, downloaded), `:keys` HASH peer id → address of its keyed record (a keyed peer can
 * move to a new address with its key; a keyless one is only ever its id at its address). Global:
 * `<prefix>swarms` ZSET hex → last announce (ms), `<prefix>totals` HASH s/l.
 */

/** Shared helper: removes expired peers (at most `limit`) of one swarm, keeping counts right. */
const EXPIRE = `
local function drop(peers, cnt, totals, kidx, id, rec)
  local pid, pip = string.sub(id, 1, 20), string.sub(id, 21, 36)
  if redis.call('HGET', kidx, pid) == pip then redis.call('HDEL', kidx, pid) end
  if string.byte(rec, 19) % 2 == 1 then
    redis.call('HINCRBY', cnt, 's', -1) redis.call('HINCRBY', totals, 's', -1)
  else
    redis.call('HINCRBY', cnt, 'l', -1) redis.call('HINCRBY', totals, 'l', -1)
  end
  redis.call('HDEL', peers, id)
end
local function expire(peers, exp, cnt, totals, kidx, now, limit)
  local stale = redis.call('ZRANGEBYSCORE', exp, '-inf', now, 'LIMIT', 0, limit)
  for _, sid in ipairs(stale) do
    local r = redis.call('HGET', peers, sid)
    if r then drop(peers, cnt, totals, kidx, sid, r) end
    redis.call('ZREM', exp, sid)
  end
  return #stale
end
`;

/**
 * KEYS: peers, exp, cnt, swarms, totals, keys. ARGV: peer id, record, seeder, remove, completed, now ms,
 * expires ms, numwant, hex, has key. Returns {-1} on a key mismatch, else {seeders, leechers, downloaded,
 * field, rec, …} (field = peer id ‖ address).
 */
export const ANNOUNCE_SCRIPT = `${EXPIRE}
local peers, exp, cnt, swarms, totals, kidx = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local id, rec = ARGV[1], ARGV[2]
local seeder, remove, completed = ARGV[3] == '1', ARGV[4] == '1', ARGV[5] == '1'
local now, expires, numwant, hex, hasKey = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), ARGV[9], ARGV[10] == '1'
expire(peers, exp, cnt, totals, kidx, now, 100)
local f = id .. string.sub(rec, 1, 16)
local old = redis.call('HGET', peers, f)
if not old then
  local kip = redis.call('HGET', kidx, id)
  local krec = kip and redis.call('HGET', peers, id .. kip)
  if krec then
    if (not hasKey) or string.sub(krec, 20, 23) ~= string.sub(rec, 20, 23) then return {-1} end
    old = krec
    redis.call('HDEL', peers, id .. kip) redis.call('ZREM', exp, id .. kip)
  end
  if kip then redis.call('HDEL', kidx, id) end
end
local wasSeeder = false
if old then wasSeeder = string.byte(old, 19) % 2 == 1 end
if remove then
  if old then drop(peers, cnt, totals, kidx, f, old) redis.call('ZREM', exp, f) end
else
  if not old then
    if seeder then redis.call('HINCRBY', cnt, 's', 1) redis.call('HINCRBY', totals, 's', 1)
    else redis.call('HINCRBY', cnt, 'l', 1) redis.call('HINCRBY', totals, 'l', 1) end
  elseif wasSeeder ~= seeder then
    local d = seeder and 1 or -1
    redis.call('HINCRBY', cnt, 's', d) redis.call('HINCRBY', totals, 's', d)
    redis.call('HINCRBY', cnt, 'l', -d) redis.call('HINCRBY', totals, 'l', -d)
  end
  if completed and not wasSeeder then redis.call('HINCRBY', cnt, 'd', 1) end
  redis.call('HSET', peers, f, rec)
  redis.call('ZADD', exp, expires, f)
  if hasKey then redis.call('HSET', kidx, id, string.sub(rec, 1, 16))
  elseif redis.call('HGET', kidx, id) == string.sub(rec, 1, 16) then redis.call('HDEL', kidx, id) end
end
if redis.call('HLEN', peers) == 0 then
  redis.call('DEL', peers, exp, cnt, kidx)
  redis.call('ZREM', swarms, hex)
  return {0, 0, 0}
end
redis.call('ZADD', swarms, now, hex)
local c = redis.call('HMGET', cnt, 's', 'l', 'd')
local out = {tonumber(c[1]) or 0, tonumber(c[2]) or 0, tonumber(c[3]) or 0}
if numwant > 0 and not remove then
  local picks = redis.call('HRANDFIELD', peers, numwant + 1, 'WITHVALUES')
  for i = 1, #picks, 2 do
    if picks[i] ~= f then table.insert(out, picks[i]) table.insert(out, picks[i + 1]) end
  end
end
return out
`;

/** KEYS: peers, exp, cnt, swarms, totals, keys. ARGV: now ms, hex. Returns peers removed. */
export const SWEEP_SCRIPT = `${EXPIRE}
local peers, exp, cnt, swarms, totals, kidx = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local n = expire(peers, exp, cnt, totals, kidx, tonumber(ARGV[1]), 100000)
if redis.call('HLEN', peers) == 0 then
  redis.call('DEL', peers, exp, cnt, kidx)
  redis.call('ZREM', swarms, ARGV[2])
end
return n
`;
