-- Maps fluent-bit's kubernetes record to the ECS document cite's own shipper writes (libs/log-store
-- podLineDocument), and names the index prefix: cite-logs-<team>.
local LEVELS = { TRACE = "trace", DEBUG = "debug", INFO = "info", NOTICE = "info", WARN = "warn",
  WARNING = "warn", ERROR = "error", FATAL = "fatal", CRITICAL = "fatal" }

local function level_of(message)
  local head = string.sub(message or "", 1, 200)
  for word in string.gmatch(head, "%u+") do
    if LEVELS[word] then return LEVELS[word] end
  end
  return nil
end

function to_ecs(tag, timestamp, record)
  local k = record["kubernetes"] or {}
  local labels = k["labels"] or {}
  local namespace = k["namespace_name"] or ""
  local team = string.match(namespace, "^cite%-(.+)$")
  if team == nil then return -1, timestamp, record end
  local message = record["log"] or ""
  local out = {
    message = message,
    service = { name = labels["app.kubernetes.io/name"] },
    kubernetes = {
      namespace = namespace,
      pod = { name = k["pod_name"], uid = k["pod_id"] },
      container = { name = k["container_name"] },
      node = { name = k["host"] },
    },
    container = { image = { name = k["container_image"] } },
    cite = { team = team, release = tonumber(labels["cite.dev/release"]) },
    cite_index_prefix = "cite-logs-" .. team,
  }
  local level = level_of(message)
  if level then out["log"] = { level = level } end
  return 1, timestamp, out
end
