// Complaint Gateway console: plain JavaScript over the /v1/console JSON API.
// Data is only ever placed with textContent (never as HTML).
"use strict";

const LABELS = {
  en: {
    title: "Complaint Gateway", channels: "Channels", quarantine: "Quarantine", incidents: "Incidents", replay: "Replay",
    signOut: "Sign out", name: "Name", type: "Type", sources: "Sources", state: "State", lastHour: "Last hour", lastDay: "Last day",
    quarantined: "Quarantined", lastInput: "Last input", reload: "Reload configuration", reloaded: "Configuration reloaded",
    reloadFailed: "Reload refused", running: "running", failing: "failing", when: "When", channel: "Channel", reason: "Reason",
    location: "Location", excerpt: "Excerpt", excerptWithheld: "(withheld: needs the pii scope)", raw: "Raw input", download: "Download", dryRun: "Dry run", replayThis: "Replay this input",
    confirmReplay: "Replay for real", level: "Level", customers: "Customers", complaints: "Complaints", firstSeen: "First seen",
    lastSeen: "Last seen", open: "Open", noIncidents: "No open incidents", noQuarantine: "Quarantine is empty", inputs: "Inputs",
    unchanged: "Unchanged", updated: "Updated", new: "New", stillFailing: "Still failing", changes: "Changes", field: "Field",
    old: "Old", newValue: "New", since: "Since", onlyQuarantined: "Only quarantined inputs", allChannels: "All channels",
    start: "Start replay", progress: "Progress", revision: "Revision", verdict: "Dedup verdict", duplicateOf: "Duplicate of",
    cluster: "Cluster", customer: "Customer", text: "Text", back: "Back", levels: "Levels", loading: "Loading…",
    replayDone: "Replay finished", timeline: "Complaints and new customers over time", locations: "Where: customers by building, room or meter",
    minutes: "min", records: "Records in them", skipped: "Not complaints", newCustomers: "New customers", rawNeedsPii: "Raw input: needs the pii scope",
    person: "Person", evidence: "Linked by", identities: "Identities", kind: "Kind", foundIn: "Found in", repeatComplainant: "Repeat complainant",
    escalationRisk: "Escalation risk", inWindow: "in the window", firstComplaint: "First complaint", lastComplaint: "Last complaint",
    byChannel: "By channel", recent: "Recent complaints", noPerson: "Linked to nobody (no identity that may link)",
    summary: (r) => `${r.inputs} input${r.inputs === 1 ? "" : "s"} (${records(r)} record${records(r) === 1 ? "" : "s"}): unchanged ${r.unchanged}, updated ${r.updated}, new ${r.new}, still failing ${r.still_failing}, not complaints ${r.skipped}`,
  },
  zh: {
    title: "投诉接入网关", channels: "渠道", quarantine: "隔离区", incidents: "群体投诉", replay: "重放",
    signOut: "退出", name: "名称", type: "类型", sources: "来源", state: "状态", lastHour: "近一小时", lastDay: "近一天",
    quarantined: "已隔离", lastInput: "最近输入", reload: "重新加载配置", reloaded: "配置已重新加载",
    reloadFailed: "重新加载被拒绝", running: "运行中", failing: "故障", when: "时间", channel: "渠道", reason: "原因",
    location: "位置", excerpt: "摘录", excerptWithheld: "（已隐藏：需要 pii 权限）", raw: "原始输入", download: "下载", dryRun: "试运行", replayThis: "重放此输入",
    confirmReplay: "确认重放", level: "级别", customers: "客户数", complaints: "投诉数", firstSeen: "首次出现",
    lastSeen: "最近出现", open: "打开", noIncidents: "暂无群体投诉", noQuarantine: "隔离区为空", inputs: "输入数",
    unchanged: "未变化", updated: "已更新", new: "新增", stillFailing: "仍失败", changes: "变更", field: "字段",
    old: "原值", newValue: "新值", since: "起始日期", onlyQuarantined: "仅隔离的输入", allChannels: "全部渠道",
    start: "开始重放", progress: "进度", revision: "版本", verdict: "去重结论", duplicateOf: "重复于",
    cluster: "聚类", customer: "客户", text: "内容", back: "返回", levels: "级别设置", loading: "加载中…",
    replayDone: "重放完成", timeline: "投诉数与新增客户数随时间变化", locations: "分布：各楼栋（房间、电表）的客户数",
    minutes: "分钟", records: "其中记录", skipped: "非投诉", newCustomers: "新增客户", rawNeedsPii: "原始输入：需要 pii 权限",
    person: "客户档案", evidence: "关联依据", identities: "身份标识", kind: "类型", foundIn: "来源", repeatComplainant: "重复投诉客户",
    escalationRisk: "升级风险", inWindow: "窗口内", firstComplaint: "首次投诉", lastComplaint: "最近投诉",
    byChannel: "按渠道", recent: "最近投诉", noPerson: "未关联到客户（没有可关联的身份标识）",
    summary: (r) => `${r.inputs} 个输入（共 ${records(r)} 条记录）：未变化 ${r.unchanged}，已更新 ${r.updated}，新增 ${r.new}，仍失败 ${r.still_failing}，非投诉 ${r.skipped}`,
    // Values the server sends in English: dedup verdicts, the usual level names.
    values: { unique: "唯一", duplicate: "重复", near_duplicate: "近似重复", yellow: "黄色", orange: "橙色", red: "红色", blue: "蓝色" },
    // The quarantine reasons parsers write most, in Chinese; the original stays in the tooltip.
    reasons: [
      [/^impossible (start|end) time "(.*)" in (.*): there is no (\d+) (\w+)$/, (m) => `${m[1] === "start" ? "开始" : "结束"}时间“${m[2]}”（${m[3]}）不存在：${MONTHS[m[5]] || m[5]}没有 ${m[4]} 日`],
      [/^impossible (start|end) time "(.*)" in (.*): there is no month (\d+)$/, (m) => `${m[1] === "start" ? "开始" : "结束"}时间“${m[2]}”（${m[3]}）不存在：没有 ${m[4]} 月`],
      [/^impossible (start|end) time "(.*)" in (.*): (.*)$/, (m) => `${m[1] === "start" ? "开始" : "结束"}时间“${m[2]}”（${m[3]}）不存在（${m[4]}）`],
      [/^bad start time "(.*)" in ([^;]*);/, (m) => `无法识别开始时间“${m[1]}”（${m[2]}）；可在 time_format 中添加导出文件的时间格式`],
      [/^the start time \((.*)\) is empty$/, (m) => `开始时间（${m[1]}）为空`],
      [/^expected (.*) columns, found (\d+)$/, (m) => `列数不符：应为 ${m[1]} 列，实际 ${m[2]} 列`],
      [/^unexpected text after a closing quote/, () => "引号后有多余文本（引号不成对或未转义？）"],
      [/honeypot/, () => "蜜罐字段被填写：疑似机器人提交"],
      [/^no header fields/, () => "没有邮件头：不是一封邮件"],
      [/longer than max_record_bytes|over max_record_bytes/, () => "记录超过 max_record_bytes 上限"],
      [/^not (a|an) (RSS|Atom|JSON|feed)/i, () => "不是可识别的订阅源（RSS、Atom 或 JSON Feed）"],
    ],
  },
};
// What the last reload said: kept across the list's own refreshes.
let lastReload = "";
let language = localStorage.getItem("console-language") || (navigator.language.startsWith("zh") ? "zh" : "en");
const t = (key) => LABELS[language][key] || LABELS.en[key] || key;
const MONTHS = { January: "1 月", February: "2 月", March: "3 月", April: "4 月", May: "5 月", June: "6 月", July: "7 月",
  August: "8 月", September: "9 月", October: "10 月", November: "11 月", December: "12 月" };
// A value the server sends in English (a verdict, a level name), in the console's language.
const value = (text) => ((LABELS[language].values || {})[text]) || text;
// A quarantine reason in the console's language where it is a known one; else as written.
function reason(text) {
  for (const [pattern, render] of LABELS[language].reasons || []) {
    const match = pattern.exec(text);
    if (match) return render(match);
  }
  return text;
}
// Every record the inputs held: complaints (unchanged, updated, new), failures, and rows that are not complaints.
const records = (r) => r.unchanged + r.updated + r.new + r.still_failing + (r.skipped || 0);

function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// Like replaceChildren, but arrays are flattened and absent parts skipped.
function fill(element, ...children) {
  element.replaceChildren(...children.flat(Infinity).filter((child) => child !== null && child !== undefined)
    .map((child) => (child instanceof Node ? child : document.createTextNode(String(child)))));
}

function time(value) {
  if (!value) return "–";
  const date = new Date(value);
  return date.toLocaleString(language === "zh" ? "zh-CN" : "en-GB", { hour12: false });
}

function status(text) { document.getElementById("status").textContent = text || ""; }

async function api(path, options = {}) {
  const response = await fetch(path, {
    credentials: "same-origin",
    ...options,
    headers: { "X-Console-Request": "1", ...(options.body ? { "Content-Type": "application/json" } : {}), ...(options.headers || {}) },
  });
  if (response.status === 401) { location.href = "/console/login"; throw new Error("signed out"); }
  const body = await response.json().catch(() => ({}));
  if (!response.ok && response.status !== 422) throw new Error((body.error && body.error.message) || response.statusText);
  return { status: response.status, body };
}

function table(headers, rows, id) {
  return h("table", { id }, h("thead", {}, h("tr", {}, headers.map((header) => h("th", {}, t(header))))),
    h("tbody", {}, rows));
}

function levelBadge(level, rank) { return h("span", { class: `level level-${rank}`, "data-level": level }, value(level)); }

function diffTable(diffs) {
  if (!diffs.length) return h("p", {}, "–");
  return h("div", {}, diffs.map((diff) => h("div", { class: "card diff" }, h("a", { href: `#complaint/${encodeURIComponent(diff.complaint_id)}` }, diff.complaint_id),
    table(["field", "old", "newValue"], diff.changes.map((c) => h("tr", {}, h("td", {}, c.path), h("td", { class: "old" }, c.old), h("td", { class: "new" }, c.new)))))));
}

// Inputs are files or posts; the other columns count the records in them.
function summaryTable(result, id) {
  return table(["inputs", "records", "unchanged", "updated", "new", "stillFailing", "skipped"], [h("tr", {},
    h("td", { class: "num" }, result.inputs), h("td", { class: "num" }, records(result)), h("td", { class: "num" }, result.unchanged),
    h("td", { class: "num" }, result.updated), h("td", { class: "num" }, result.new), h("td", { class: "num" }, result.still_failing),
    h("td", { class: "num" }, result.skipped || 0))], id);
}

const views = {
  async channels(view) {
    const { body } = await api("/v1/console/channels");
    const rows = body.channels.map((c) => h("tr", { "data-channel": c.name },
      h("td", {}, c.name), h("td", {}, c.type), h("td", {}, c.sources.join("\n")),
      h("td", { class: `state-${c.state}` }, t(c.state), c.last_error ? h("div", {}, c.last_error) : null),
      h("td", { class: "num", "data-field": "hour" }, c.complaints_last_hour), h("td", { class: "num", "data-field": "day" }, c.complaints_last_day),
      h("td", { class: "num", "data-field": "quarantined" }, c.quarantined), h("td", {}, time(c.last_input_at))));
    const result = h("p", { id: "reload-result" }, lastReload);
    const reload = h("button", { id: "reload", type: "button", onclick: async () => {
      const { status: code, body: outcome } = await api("/v1/console/reload", { method: "POST" });
      lastReload = code === 200
        ? `${t("reloaded")}: +${outcome.added.length} −${outcome.removed.length} ~${outcome.changed.length}`
        : `${t("reloadFailed")}: ${(outcome.problems || []).map((p) => p.text).join("; ")}`;
      document.getElementById("reload-result").textContent = lastReload;
    } }, t("reload"));
    const levels = body.levels.map((l) => `${value(l.name)} ≥ ${l.customers} ${t("customers").toLowerCase()} / ${l.minutes} ${t("minutes")}`).join(" · ");
    fill(view, h("h2", {}, t("channels")),
      table(["name", "type", "sources", "state", "lastHour", "lastDay", "quarantined", "lastInput"], rows, "channels"),
      h("p", {}, reload), result, levels ? h("p", {}, `${t("levels")}: ${levels}`) : null);
  },

  async quarantine(view) {
    const { body } = await api("/v1/console/quarantine");
    if (!body.entries.length) { fill(view, h("h2", {}, t("quarantine")), h("p", {}, t("noQuarantine"))); return; }
    const rows = body.entries.map((e) => {
      const panel = h("div", { class: "replay-panel" });
      const dryRun = h("button", { type: "button", class: "dry-run", onclick: async () => {
        const { body: result } = await api(`/v1/console/quarantine/${e.raw_sha256}/replay?dry_run=true&channel=${encodeURIComponent(e.channel)}`, { method: "POST" });
        const confirm = h("button", { type: "button", class: "confirm-replay", onclick: async () => {
          const { body: done } = await api(`/v1/console/quarantine/${e.raw_sha256}/replay?dry_run=false&channel=${encodeURIComponent(e.channel)}`, { method: "POST" });
          panel.replaceChildren(h("p", { class: "replayed" }, `${t("replayDone")}: ${t("summary")(done)}`), summaryTable(done));
        } }, t("confirmReplay"));
        panel.replaceChildren(h("p", { class: "dry-run-result" }, `${t("dryRun")}: ${t("summary")(result)}`), summaryTable(result), diffTable(result.diffs), confirm);
      } }, `${t("replayThis")} (${t("dryRun")})`);
      return h("tr", { "data-raw": e.raw_sha256 },
        h("td", {}, time(e.created_at)), h("td", {}, e.channel), h("td", { class: "reason", title: e.reason }, reason(e.reason)), h("td", {}, e.location || "–"),
        h("td", {}, h("pre", { class: "excerpt" }, e.excerpt ?? (e.excerpt_withheld ? t("excerptWithheld") : ""))),
        h("td", {}, body.raw_downloadable ? h("a", { href: `/v1/console/raw/${e.raw_sha256}`, download: true, class: "download" }, t("download"))
          : h("span", { class: "no-download" }, t("rawNeedsPii")), h("br", {}), dryRun, panel));
    });
    fill(view, h("h2", {}, t("quarantine")), table(["when", "channel", "reason", "location", "excerpt", "raw"], rows, "quarantine"));
  },

  async incidents(view) {
    const { body } = await api("/v1/console/incidents");
    if (!body.incidents.length) { fill(view, h("h2", {}, t("incidents")), h("p", {}, t("noIncidents"))); return; }
    const rows = body.incidents.map((i) => h("tr", { "data-cluster": i.cluster },
      h("td", {}, levelBadge(i.level, i.rank)), h("td", { class: "num", title: `${i.customers} ${t("customers")} / ${i.window_minutes} ${t("minutes")}` }, i.total_customers),
      h("td", { class: "num" }, i.complaints), h("td", {}, time(i.first_seen)), h("td", {}, time(i.last_seen)), h("td", {}, i.excerpt),
      h("td", {}, h("a", { href: `#incident/${encodeURIComponent(i.cluster)}` }, t("open")))));
    fill(view, h("h2", {}, t("incidents")), table(["level", "customers", "complaints", "firstSeen", "lastSeen", "excerpt", ""], rows, "incidents"));
  },

  async incident(view, cluster) {
    const { body } = await api(`/v1/console/incidents/${encodeURIComponent(cluster)}`);
    const i = body.incident;
    const lines = body.complaints.map((c) => h("tr", {}, h("td", {}, time(c.received_at)), h("td", {}, c.channel), h("td", {}, c.customer),
      h("td", {}, c.text), h("td", {}, h("a", { href: `#complaint/${encodeURIComponent(c.id)}` }, value(c.dedup_status)))));
    fill(view, h("h2", {}, levelBadge(i.level, i.rank), " ", i.excerpt),
      h("p", {}, `${t("customers")}: ${i.total_customers} · ${t("complaints")}: ${i.complaints} · ${t("channels")}: ${body.channels.join(", ")}`),
      h("h3", {}, t("timeline")), chart(body.timeline),
      body.locations.length ? h("h3", {}, t("locations")) : null,
      body.locations.length ? table(["location", "customers"], body.locations.map((l) => h("tr", {}, h("td", {}, l.location), h("td", {}, String(l.customers)))), "incident-locations") : null,
      table(["when", "channel", "customer", "text", "verdict"], lines, "incident-complaints"));
  },

  async complaint(view, id) {
    const { body } = await api(`/v1/console/complaints/${encodeURIComponent(id)}`);
    const customer = Object.entries(body.customer).map(([k, v]) => `${k}: ${v}`).join(" · ");
    const revisions = body.revisions.map((r) => h("div", { class: "card revision" },
      h("strong", {}, `${t("revision")} ${r.revision}`), ` · ${time(r.received_at)} · `,
      body.raw_downloadable ? h("a", { href: `/v1/console/raw/${r.raw_sha256}`, download: true }, `${t("raw")} ${r.raw_sha256.slice(0, 12)}…`) : `${t("raw")} ${r.raw_sha256.slice(0, 12)}…`,
      r.changes.length ? table(["field", "old", "newValue"], r.changes.map((c) => h("tr", {}, h("td", {}, c.path), h("td", { class: "old" }, c.old), h("td", { class: "new" }, c.new)))) : null));
    fill(view, h("h2", {}, body.subject || body.id),
      h("p", {}, `${t("channel")}: ${body.channel} · ${t("customer")}: ${customer || "–"}`),
      h("p", { id: "verdict" }, `${t("verdict")}: ${value(body.dedup_status)}`,
        body.duplicate_of ? h("span", {}, ` · ${t("duplicateOf")} `, h("a", { href: `#complaint/${encodeURIComponent(body.duplicate_of)}` }, body.duplicate_of)) : null,
        body.score ? ` (${body.score})` : null,
        body.cluster ? h("span", {}, ` · ${t("cluster")} `, h("a", { href: `#incident/${encodeURIComponent(body.cluster)}` }, body.cluster)) : null),
      h("p", { id: "person" }, `${t("person")}: `, body.person
        ? h("a", { href: `#customer/${encodeURIComponent(body.person)}` }, body.person) : t("noPerson")),
      body.person_evidence.length ? table(["evidence", "kind", "foundIn"], body.person_evidence.map((e) =>
        h("tr", {}, h("td", {}, e.key), h("td", {}, e.kind), h("td", {}, e.found_in))), "person-evidence") : null,
      h("pre", {}, body.body), revisions);
  },

  async customer(view, key) {
    const { body: p } = await api(`/v1/console/customers/${encodeURIComponent(key)}`);
    const flags = [
      p.repeat ? h("span", { class: "flag flag-repeat" }, `${t("repeatComplainant")} (${p.complaints_in_window} ${t("inWindow")})`) : null,
      p.escalation_risk ? h("span", { class: "flag flag-escalation", title: p.escalation_reasons.join("; ") }, `${t("escalationRisk")}: ${p.escalation_reasons.join("; ")}`) : null,
    ].filter(Boolean);
    const channels = Object.entries(p.complaints_by_channel).map(([c, n]) => `${c} ${n}`).join(" · ");
    fill(view, h("h2", {}, `${t("person")} ${p.person}`),
      h("p", { id: "customer-flags" }, ...flags),
      h("p", {}, `${t("complaints")}: ${p.complaints} · ${t("byChannel")}: ${channels || "–"} · ${t("firstComplaint")}: ${time(p.first_complaint_at)} · ${t("lastComplaint")}: ${time(p.last_complaint_at)}`),
      h("h3", {}, t("identities")),
      table(["evidence", "kind"], p.identities.map((i) => h("tr", {}, h("td", {}, i.key), h("td", {}, i.kind))), "customer-identities"),
      p.incidents.length ? h("h3", {}, t("incidents")) : null,
      p.incidents.length ? table(["cluster", "level", "lastSeen"], p.incidents.map((i) => h("tr", {},
        h("td", {}, h("a", { href: `#incident/${encodeURIComponent(i.cluster)}` }, i.cluster)), h("td", {}, value(i.level)), h("td", {}, time(i.last_seen)))), "customer-incidents") : null,
      h("h3", {}, t("recent")),
      table(["when", "channel", "text", "verdict"], p.recent.map((c) => h("tr", {}, h("td", {}, time(c.at)), h("td", {}, c.channel), h("td", {}, c.text),
        h("td", {}, h("a", { href: `#complaint/${encodeURIComponent(c.id)}` }, value(c.status))))), "customer-complaints"));
  },

  async replay(view) {
    const { body } = await api("/v1/console/channels");
    const channel = h("select", { id: "replay-channel" }, h("option", { value: "" }, t("allChannels")), body.channels.map((c) => h("option", { value: c.name }, c.name)));
    const since = h("input", { id: "replay-since", type: "date" });
    const quarantined = h("input", { id: "replay-quarantined", type: "checkbox" });
    const out = h("div", { id: "replay-result" });
    const request = (dryRun) => JSON.stringify({ channel: channel.value || null, since: since.value || null, quarantined: quarantined.checked, dry_run: dryRun });
    const follow = async (id) => {
      const { body: job } = await api(`/v1/console/replays/${id}`);
      out.replaceChildren(h("p", { id: "replay-progress", "data-state": job.state }, `${t("progress")}: ${job.inputs} / ${job.remaining_at_start} · ${job.state}${job.error ? " · " + job.error : ""}`),
        summaryTable({ ...job }));
      if (job.state === "running") setTimeout(() => follow(id), 500);
    };
    const dryRun = h("button", { type: "button", id: "replay-dry-run", onclick: async () => {
      const { body: result } = await api("/v1/console/replays", { method: "POST", body: request(true) });
      const start = h("button", { type: "button", id: "replay-start", onclick: async () => {
        const { body: job } = await api("/v1/console/replays", { method: "POST", body: request(false) });
        follow(job.id);
      } }, t("start"));
      out.replaceChildren(h("p", {}, `${t("dryRun")}: ${t("summary")(result)}`), summaryTable(result), diffTable(result.diffs), start);
    } }, t("dryRun"));
    fill(view, h("h2", {}, t("replay")), h("div", { class: "card" },
      h("label", {}, `${t("channel")} `, channel), " ", h("label", {}, `${t("since")} `, since), " ",
      h("label", {}, quarantined, ` ${t("onlyQuarantined")}`), " ", dryRun), out);
  },
};

function chart(points) {
  const width = 640, height = 160, pad = 24;
  const max = Math.max(1, ...points.map((p) => p.complaints));
  // At least 24 slots, so a young incident's few buckets are not drawn as walls.
  const slot = (width - pad) / Math.max(24, points.length);
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "chart"); svg.setAttribute("viewBox", `0 0 ${width} ${height}`); svg.setAttribute("width", width); svg.setAttribute("height", height);
  const bar = (cls, x, value, w) => {
    const r = document.createElementNS(svg.namespaceURI, "rect");
    const barHeight = (height - pad) * value / max;
    r.setAttribute("class", cls); r.setAttribute("x", x); r.setAttribute("width", w); r.setAttribute("y", height - pad - barHeight); r.setAttribute("height", barHeight);
    svg.append(r);
  };
  points.forEach((p, index) => {
    const x = pad + index * slot;
    bar("complaints", x, p.complaints, Math.max(1, slot * 0.45));
    bar("customers", x + slot * 0.48, p.customers, Math.max(1, slot * 0.45));
  });
  const label = document.createElementNS(svg.namespaceURI, "text");
  label.setAttribute("x", 0); label.setAttribute("y", 10); label.textContent = String(max);
  svg.append(label);
  // The legend: which bar is which.
  [["complaints", t("complaints")], ["customers", t("newCustomers")]].forEach(([cls, text], index) => {
    const x = width - 200 + index * 100;
    const swatch = document.createElementNS(svg.namespaceURI, "rect");
    swatch.setAttribute("class", cls); swatch.setAttribute("x", x); swatch.setAttribute("y", 2); swatch.setAttribute("width", 10); swatch.setAttribute("height", 10);
    const name = document.createElementNS(svg.namespaceURI, "text");
    name.setAttribute("class", `legend legend-${cls}`); name.setAttribute("x", x + 14); name.setAttribute("y", 11); name.textContent = text;
    svg.append(swatch, name);
  });
  if (points.length) {
    const first = document.createElementNS(svg.namespaceURI, "text");
    first.setAttribute("x", pad); first.setAttribute("y", height - 8); first.textContent = time(points[0].start);
    svg.append(first);
  }
  return svg;
}

// Renders run one after another in any order (navigation, the timer): each
// builds off-page and only the newest one is shown, so a slow refresh of one
// view never replaces the view navigated to since.
let renders = 0;
async function render() {
  const current = ++renders;
  const [name, ...rest] = (location.hash.slice(1) || "channels").split("/");
  for (const link of document.querySelectorAll("header nav a")) link.classList.toggle("active", link.getAttribute("href") === `#${name}`);
  for (const element of document.querySelectorAll("[data-label]")) element.textContent = t(element.dataset.label);
  document.getElementById("language").textContent = language === "zh" ? "English" : "中文";
  document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
  status(t("loading"));
  const built = document.createElement("div");
  try {
    await (views[name] || views.channels)(built, decodeURIComponent(rest.join("/")));
    if (current !== renders) return;
    document.getElementById("view").replaceChildren(...built.childNodes);
    status("");
  } catch (error) {
    if (current === renders) status(String(error.message || error));
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("language").addEventListener("click", () => {
    language = language === "zh" ? "en" : "zh";
    localStorage.setItem("console-language", language);
    render();
  });
  window.addEventListener("hashchange", render);
  render();
  // Lists refresh on their own; a page with a form or a replay in progress does not.
  setInterval(() => { const name = location.hash.slice(1) || "channels"; if (["channels", "incidents"].includes(name)) render(); }, 5000);
});
