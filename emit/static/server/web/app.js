// The insights page of a podgen server: plain JavaScript, no library, no
// request to any other host. Every call to the service port's API carries
// the service secret as its Bearer header; the secret is kept in this tab's
// sessionStorage only.
"use strict";

(() => {
  const secretKey = "podgen.insights.secret";
  const palette = ["#1f6feb", "#d9480f", "#2b8a3e", "#862e9c", "#c2255c", "#5c940d"];
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

  // el builds an element: el("td", {class: "num"}, "12", child...).
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  const svgNS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, ...children) {
    const e = document.createElementNS(svgNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }

  // ---- the API -------------------------------------------------------------

  class APIError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  async function api(path, options = {}, secret = sessionStorage.getItem(secretKey)) {
    const headers = { Authorization: "Bearer " + (secret || "") };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    let res;
    try {
      // Relative to the page, so that it also works behind a proxy's path prefix.
      res = await fetch(path.replace(/^\//, ""), { method: options.method || "GET", headers, body: options.body,
        cache: "no-store", credentials: "omit", redirect: "error" });
    } catch (e) {
      throw new APIError(0, "the server cannot be reached");
    }
    const text = await res.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
    if (!res.ok) {
      if (res.status === 401 && options.signIn !== true) signOut("The service secret was not accepted: sign in again.");
      throw new APIError(res.status, (body && body.error) || ("HTTP " + res.status));
    }
    return body;
  }

  // ---- formatting ----------------------------------------------------------

  const pad = (n, w = 2) => String(n).padStart(w, "0");
  function fmtTime(iso, withDate) {
    if (!iso) return "";
    const d = new Date(iso);
    const t = pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + "." + pad(d.getMilliseconds(), 3);
    const today = new Date().toDateString() === d.toDateString();
    return (withDate || !today) ? d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + t : t;
  }
  function fmtUs(us) {
    if (us === null || us === undefined) return "";
    if (us < 1000) return us + " µs";
    if (us < 1e6) return (us / 1000).toFixed(us < 1e4 ? 2 : 1) + " ms";
    return (us / 1e6).toFixed(2) + " s";
  }
  function fmtNum(v, unit) {
    if (v === null || v === undefined || !isFinite(v)) return "–";
    const a = Math.abs(v);
    let s;
    if (a >= 1e9) s = (v / 1e9).toFixed(1) + "G";
    else if (a >= 1e6) s = (v / 1e6).toFixed(1) + "M";
    else if (a >= 1e4) s = (v / 1e3).toFixed(1) + "k";
    else if (a >= 100 || Number.isInteger(v)) s = String(Math.round(v));
    else s = v.toFixed(a >= 10 ? 1 : 2);
    return unit ? s + " " + unit : s;
  }
  function fmtDuration(s) {
    const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    return (d ? d + "d " : "") + (d || h ? h + "h " : "") + m + "m " + (s % 60) + "s";
  }

  // ---- notices -------------------------------------------------------------

  let noticeTimer = 0;
  function notice(text, bad) {
    const n = $("#notice");
    n.textContent = text;
    n.className = "notice" + (bad ? " bad" : "");
    n.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { n.hidden = true; }, bad ? 10000 : 4000);
  }

  // ---- sign-in -------------------------------------------------------------

  function showSignIn(message) {
    $("#app").hidden = true;
    $("#signin").hidden = false;
    $("#signin-error").textContent = message || "";
    $("#secret").value = "";
    $("#secret").focus();
  }

  function signOut(message) {
    sessionStorage.removeItem(secretKey);
    stopTimers();
    showSignIn(message);
  }

  $("#signin-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const secret = $("#secret").value;
    if (!secret) { $("#signin-error").textContent = "Enter the service secret."; return; }
    $("#signin-button").disabled = true;
    $("#signin-error").textContent = "";
    try {
      await api("/live", { signIn: true }, secret);
      sessionStorage.setItem(secretKey, secret);
      start();
    } catch (e) {
      $("#signin-error").textContent = e.status === 401 ? "Wrong service secret." : "Cannot sign in: " + e.message;
    } finally {
      $("#signin-button").disabled = false;
    }
  });
  $("#signout").addEventListener("click", () => signOut("Signed out."));

  // ---- views and timers ----------------------------------------------------

  const views = { sessions: loadSessions, futurecalls: loadFutureCalls, health: loadHealth, settings: loadSettings };
  let current = "";
  let timers = [];

  function stopTimers() { timers.forEach(clearInterval); timers = []; }

  function show(name) {
    if (!views[name]) name = "sessions";
    current = name;
    for (const a of $$("#tabs a")) a.classList.toggle("active", a.dataset.view === name);
    for (const v of $$(".view")) v.hidden = v.id !== "view-" + name;
    views[name]().catch(reportError);
  }

  function reportError(e) {
    if (e && e.status === 401) return; // signOut has said it
    notice(e && e.message ? e.message : String(e), true);
  }

  function start() {
    $("#signin").hidden = true;
    $("#app").hidden = false;
    stopTimers();
    pollLive().catch(reportError);
    pollHealth();
    timers.push(setInterval(() => pollLive().catch(reportError), 5000));
    timers.push(setInterval(pollHealth, 5000));
    timers.push(setInterval(() => {
      if (document.hidden) return;
      if (current === "sessions" && sessionsState.live && sessionsState.stack.length === 0) loadSessions().catch(reportError);
      if (current === "futurecalls" && fcState.stack.length === 0) loadFutureCalls().catch(reportError);
    }, 3000));
    show(location.hash.slice(1));
  }
  window.addEventListener("hashchange", () => { if (!$("#app").hidden) show(location.hash.slice(1)); });

  // ---- live figures: status, failing endpoints, live charts ------------------

  const liveSamples = []; // {t, requests, errors, caches, db, memoryBytes, goroutines}
  let lastLive = null;

  async function pollLive() {
    const l = await api("/live");
    lastLive = l;
    liveSamples.push({ t: Date.parse(l.now), requests: l.requests, errors: l.errors, caches: l.caches,
      db: l.db, memoryBytes: l.memoryBytes, goroutines: l.goroutines });
    if (liveSamples.length > 720) liveSamples.shift(); // an hour at one sample per 5 s
    $("#server-title").textContent = l.app + " · server " + l.serverId + " · " + l.mode;
    const endpoints = new Set(l.routes.map((r) => r.endpoint));
    $("#endpoints").replaceChildren(...Array.from(endpoints).sort().map((e) => el("option", { value: e })));
    const failing = l.routes.filter((r) => r.errors > 0).sort((a, b) => b.errors - a.errors);
    const banner = $("#failing");
    if (failing.length) {
      banner.replaceChildren(el("span", null, failing.length === 1 ? "1 endpoint method is failing on this server" :
        failing.length + " endpoint methods are failing on this server"),
      el("ul", null, failing.slice(0, 5).map((r) => el("li", null,
        el("a", { href: "#sessions", onclick: () => filterSessions(r.endpoint, r.method, true) }, r.endpoint + "." + r.method),
        ": " + r.errors + " of " + r.requests + " calls answered 5xx since start"))));
      banner.hidden = false;
    } else {
      banner.hidden = true;
    }
    if (current === "health") drawLive();
    if (current === "settings") drawServerInfo();
  }

  async function pollHealth() {
    const pill = $("#status");
    try {
      const h = await api("/health");
      pill.textContent = "database " + h.database + " · redis " + h.redis + " · scheduler " + h.scheduler;
      pill.className = "pill ok";
    } catch (e) {
      if (e.status === 401) return;
      pill.textContent = e.status === 503 ? "degraded: database or Redis unavailable" : "unreachable";
      pill.className = "pill bad";
    }
  }

  // ---- sessions ------------------------------------------------------------

  const sessionsState = { stack: [], cursor: "", next: "", rows: [], selected: "", live: true };

  function sessionQuery() {
    const f = $("#session-filters");
    const q = new URLSearchParams();
    const endpoint = f.elements.endpoint.value.trim(), method = f.elements.method.value.trim();
    if (endpoint) q.set("endpoint", endpoint);
    if (method) q.set("method", method);
    if (f.elements.errors.checked) q.set("errors", "true");
    if (f.elements.slow.checked) q.set("slow", "true");
    const range = f.elements.range.value;
    if (range === "custom") {
      if (f.elements.from.value) q.set("from", new Date(f.elements.from.value).toISOString());
      if (f.elements.to.value) q.set("to", new Date(f.elements.to.value).toISOString());
    } else if (range) {
      q.set("from", new Date(Date.now() - Number(range) * 1000).toISOString());
    }
    q.set("limit", f.elements.limit.value);
    if (sessionsState.cursor) q.set("before", sessionsState.cursor);
    return q;
  }

  let sessionsSeq = 0;
  async function loadSessions() {
    const seq = ++sessionsSeq;
    const body = await api("/sessions?" + sessionQuery());
    if (seq !== sessionsSeq) return; // a newer load has started
    sessionsState.rows = body.sessions;
    sessionsState.next = body.next || "";
    const tbody = $("#sessions tbody");
    tbody.replaceChildren(...body.sessions.map((s) => {
      const cls = ["click", s.error !== null ? "failed" : "", s.slow ? "slow" : "", s.id === sessionsState.selected ? "selected" : ""];
      return el("tr", { class: cls.join(" ").trim(), "data-id": s.id, tabindex: 0,
        onclick: () => openSession(s.id), onkeydown: (ev) => { if (ev.key === "Enter") openSession(s.id); } },
      el("td", { class: "nowrap mono", title: s.time }, fmtTime(s.time)),
      el("td", { class: "nowrap" }, (s.endpoint || "?") + "." + (s.method || "?")),
      el("td", { class: "num dur" }, fmtUs(s.durationUs)),
      el("td", { class: "num" }, s.numQueries),
      el("td", { class: "nowrap" }, s.userId || ""),
      el("td", { class: "err", title: s.error || "" }, s.error || ""));
    }));
    $("#sessions-empty").hidden = body.sessions.length > 0;
    $("#sessions-older").disabled = !sessionsState.next;
    $("#sessions-newer").disabled = sessionsState.stack.length === 0;
    $("#sessions-newest").disabled = sessionsState.stack.length === 0;
    $("#sessions-page").textContent = "page " + (sessionsState.stack.length + 1) + " · " + body.sessions.length + " sessions" +
      (sessionsState.stack.length === 0 && sessionsState.live ? " · refreshing" : "");
    if (sessionsState.selected) {
      const s = body.sessions.find((x) => x.id === sessionsState.selected);
      if (s) renderSession(s);
    }
  }

  function resetSessionPages() { sessionsState.stack = []; sessionsState.cursor = ""; }

  function filterSessions(endpoint, method, errors) {
    const f = $("#session-filters");
    f.elements.endpoint.value = endpoint; f.elements.method.value = method; f.elements.errors.checked = errors;
    resetSessionPages();
    if (current === "sessions") loadSessions().catch(reportError);
  }

  // A filter change loads the first page again; typing waits for a pause.
  let typing = 0;
  $("#session-filters").addEventListener("input", (ev) => {
    const f = $("#session-filters");
    if (ev.target.name === "live") {
      sessionsState.live = f.elements.live.checked;
    }
    for (const c of $$(".custom", f)) c.hidden = f.elements.range.value !== "custom";
    resetSessionPages();
    clearTimeout(typing);
    if (ev.target.type === "text" || ev.target.type === "datetime-local") {
      typing = setTimeout(() => loadSessions().catch(reportError), 250);
    } else {
      loadSessions().catch(reportError);
    }
  });
  $("#session-filters").addEventListener("submit", (ev) => ev.preventDefault());
  $("#sessions-older").addEventListener("click", () => {
    sessionsState.stack.push(sessionsState.cursor);
    sessionsState.cursor = sessionsState.next;
    loadSessions().catch(reportError);
  });
  $("#sessions-newer").addEventListener("click", () => {
    sessionsState.cursor = sessionsState.stack.pop() || "";
    loadSessions().catch(reportError);
  });
  $("#sessions-newest").addEventListener("click", () => { resetSessionPages(); loadSessions().catch(reportError); });

  function openSession(id) {
    sessionsState.selected = id;
    for (const tr of $$("#sessions tbody tr")) tr.classList.toggle("selected", tr.dataset.id === id);
    const s = sessionsState.rows.find((x) => x.id === id);
    if (s) renderSession(s);
  }

  function renderSession(s) {
    const d = $("#session-detail");
    const close = el("button", { class: "quiet", onclick: () => {
      sessionsState.selected = ""; d.hidden = true; $(".split").classList.remove("open");
      for (const tr of $$("#sessions tbody tr.selected")) tr.classList.remove("selected");
    } }, "Close");
    const facts = el("dl", { class: "facts" },
      el("dt", null, "Started"), el("dd", { class: "mono" }, fmtTime(s.time, true)),
      el("dt", null, "Duration"), el("dd", null, fmtUs(s.durationUs) + (s.slow ? " (slow)" : "")),
      el("dt", null, "Server"), el("dd", null, s.serverId),
      el("dt", null, "User"), el("dd", null, s.userId || "–"),
      el("dt", null, "Request id"), el("dd", { class: "mono" }, s.requestId || "–"),
      el("dt", null, "Session id"), el("dd", { class: "mono" }, s.id));
    const queries = s.queries.length ? s.queries.map((q) => el("div", { class: "query" + (q.error !== null ? " failed" : "") },
      el("pre", { class: "sql" }, q.query),
      el("div", { class: "meta" },
        el("span", null, fmtUs(q.durationUs) + (q.slow ? " (slow)" : "")),
        el("span", null, q.numRows === null ? "rows: –" : "rows: " + q.numRows),
        q.error !== null ? el("span", { class: "qerr" }, q.error) : null)))
      : [el("p", { class: "muted" }, s.numQueries ? s.numQueries + " queries ran; none was stored (only slow and failed ones are, unless logAllQueries is on)." : "No queries.")];
    const logs = s.logs.length ? s.logs.map((e) => el("div", { class: "logline" },
      el("span", { class: "mono muted" }, fmtTime(e.time) + " "), el("span", { class: "level " + e.level }, e.level), " ", e.message))
      : [el("p", { class: "muted" }, "No log entries.")];
    d.replaceChildren(...[
      el("div", { class: "head" }, el("h2", null, s.endpoint + "." + s.method), close),
      s.error !== null ? el("div", { class: "failure" }, el("strong", null, "Error: "), s.error,
        s.stackTrace ? el("pre", null, s.stackTrace) : null) : null,
      facts,
      el("h2", null, "Queries ", el("span", { class: "muted" }, "(" + s.queries.length + " stored of " + s.numQueries + ")")),
      el("div", { class: "queries" }, queries),
      el("h2", null, "Log entries"),
      el("div", { class: "logs" }, logs)].filter(Boolean));
    d.hidden = false;
    $(".split").classList.add("open");
  }

  // ---- future calls --------------------------------------------------------

  const fcState = { state: "scheduled", stack: [], cursor: "", next: "" };

  async function loadFutureCalls() {
    const q = new URLSearchParams({ state: fcState.state, limit: "100" });
    if (fcState.cursor) q.set("before", fcState.cursor);
    const body = await api("/futurecalls?" + q);
    for (const b of $$("#fc-states button")) {
      b.classList.toggle("active", b.dataset.state === fcState.state);
      $(".count", b).textContent = "(" + body.counts[b.dataset.state] + ")";
    }
    fcState.next = body.next ? String(body.next) : "";
    $("#futurecalls tbody").replaceChildren(...body.futureCalls.map((c) => {
      const actions = el("td", { class: "nowrap" });
      if (c.state !== "running") actions.append(el("button", { class: "danger", "data-action": "cancel", onclick: () => changeCall(c, "cancel") }, "Cancel"));
      if (c.state === "failed") actions.append(" ", el("button", { class: "quiet", "data-action": "retry", onclick: () => changeCall(c, "retry") }, "Retry"));
      const due = new Date(c.due);
      const overdue = c.state === "scheduled" && due < new Date();
      return el("tr", { class: c.state === "failed" ? "failed" : "", "data-id": c.id },
        el("td", { class: "num" }, c.id),
        el("td", { class: "nowrap" }, c.name),
        el("td", { class: "mono" }, c.identifier === null ? "–" : c.identifier),
        el("td", { class: "nowrap mono", title: c.due }, fmtTime(c.due, true) + (overdue ? " (due)" : "")),
        el("td", { class: "num" }, c.attempts),
        el("td", { class: "err", title: c.lastError || "" }, c.lastError || ""),
        actions);
    }));
    $("#fc-empty").hidden = body.futureCalls.length > 0;
    $("#fc-older").disabled = !fcState.next;
    $("#fc-first").disabled = fcState.stack.length === 0;
  }

  async function changeCall(c, action) {
    try {
      await api("/futurecalls/" + c.id + "/" + action, { method: "POST" });
      notice(action === "cancel" ? "Cancelled future call " + c.id + " (" + c.name + ")." : "Future call " + c.id + " (" + c.name + ") is scheduled again, due now.");
    } catch (e) {
      reportError(e);
    }
    loadFutureCalls().catch(reportError);
  }

  for (const b of $$("#fc-states button")) {
    b.addEventListener("click", () => {
      fcState.state = b.dataset.state; fcState.stack = []; fcState.cursor = "";
      loadFutureCalls().catch(reportError);
    });
  }
  $("#fc-older").addEventListener("click", () => {
    fcState.stack.push(fcState.cursor); fcState.cursor = fcState.next; loadFutureCalls().catch(reportError);
  });
  $("#fc-first").addEventListener("click", () => {
    fcState.stack = []; fcState.cursor = ""; loadFutureCalls().catch(reportError);
  });

  // ---- charts --------------------------------------------------------------

  // chart draws series [{name, points: [[ms, value], ...]}] as an SVG line
  // chart with a zero-based y axis, the first and last time on the x axis.
  function chart(title, series, unit) {
    const W = 360, H = 150, L = 42, R = 8, T = 8, B = 20;
    const pts = series.flatMap((s) => s.points);
    const box = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title, "data-points": pts.length });
    const last = series.length === 1 && series[0].points.length ? series[0].points[series[0].points.length - 1][1] : null;
    const fig = el("figure", { class: "chart" },
      el("figcaption", null, el("span", null, title), el("span", { class: "last" }, last === null ? "" : "now " + fmtNum(last, unit))));
    fig.append(box);
    if (!pts.length) {
      box.append(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "nodata" }, "no data yet"));
      return fig;
    }
    let t0 = Math.min(...pts.map((p) => p[0])), t1 = Math.max(...pts.map((p) => p[0]));
    if (t1 === t0) { t0 -= 30000; t1 += 30000; }
    let vmax = Math.max(...pts.map((p) => p[1]));
    if (!(vmax > 0)) vmax = 1;
    const nice = niceCeil(vmax);
    vmax = nice.max;
    const x = (t) => L + (t - t0) / (t1 - t0) * (W - L - R);
    const y = (v) => T + (1 - v / vmax) * (H - T - B);
    for (let i = 0; i <= nice.steps; i++) {
      const v = vmax * i / nice.steps;
      box.append(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "axis", "stroke-width": 1 }));
      box.append(svg("text", { x: L - 4, y: y(v) + 3, "text-anchor": "end", class: "tick" }, fmtNum(v)));
    }
    const hm = (t) => { const d = new Date(t); return pad(d.getHours()) + ":" + pad(d.getMinutes()); };
    box.append(svg("text", { x: L, y: H - 5, class: "tick" }, hm(t0)));
    box.append(svg("text", { x: W - R, y: H - 5, "text-anchor": "end", class: "tick" }, hm(t1)));
    series.forEach((s, i) => {
      const color = palette[i % palette.length];
      const sorted = s.points.slice().sort((a, b) => a[0] - b[0]);
      if (sorted.length > 1) {
        box.append(svg("polyline", { points: sorted.map((p) => x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1)).join(" "),
          fill: "none", stroke: color, "stroke-width": 1.6, "stroke-linejoin": "round" }));
      }
      if (sorted.length <= 90) {
        for (const p of sorted) {
          const c = svg("circle", { cx: x(p[0]).toFixed(1), cy: y(p[1]).toFixed(1), r: 2.2, fill: color });
          c.append(svg("title", {}, s.name + " " + hm(p[0]) + ": " + fmtNum(p[1], unit)));
          box.append(c);
        }
      }
    });
    if (series.length > 1 || (series[0] && series[0].name)) {
      fig.append(el("div", { class: "legend" }, series.map((s, i) => el("span", null, el("i", { class: "c" + (i % palette.length) }), s.name))));
    }
    return fig;
  }

  // niceCeil is the y axis for a largest value v: a round top (1, 2, 2.5 or
  // 5 times a power of ten) and a number of steps that gives round ticks.
  function niceCeil(v) {
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const [m, steps] of [[1, 5], [2, 4], [2.5, 5], [5, 5], [10, 5]]) {
      if (v <= m * p * (1 + 1e-9)) return { max: m * p, steps };
    }
    return { max: 10 * p, steps: 5 };
  }

  // ---- health --------------------------------------------------------------

  let healthRange = "hour";

  async function loadHealth() {
    const body = await api("/health/history?range=" + healthRange);
    for (const b of $$("#health-range button")) b.classList.toggle("active", b.dataset.range === healthRange);
    const byServer = new Map();
    for (const p of body.points) {
      if (!byServer.has(p.serverId)) byServer.set(p.serverId, []);
      byServer.get(p.serverId).push(p);
    }
    const per = (f) => Array.from(byServer.entries()).sort((a, b) => a[0] - b[0])
      .map(([id, ps]) => ({ name: "server " + id, points: ps.map((p) => [Date.parse(p.time), f(p)]) }));
    $("#charts-history").replaceChildren(
      chart("Requests per second", per((p) => p.requests / 60), "/s"),
      chart("Error rate (%)", per((p) => p.requests ? 100 * p.errors / p.requests : 0), "%"),
      chart("Latency p50 (ms)", per((p) => p.p50Ms), "ms"),
      chart("Latency p99 (ms)", per((p) => p.p99Ms), "ms"),
      chart("DB connections in use", per((p) => p.dbConnections - p.dbIdle)),
      chart("Memory (MiB)", per((p) => p.memoryBytes / 1048576), "MiB"),
      chart("Goroutines", per((p) => p.goroutines)));
    drawLive();
  }

  function drawLive() {
    const s = liveSamples;
    const rate = [];
    for (let i = 1; i < s.length; i++) {
      const dt = (s[i].t - s[i - 1].t) / 1000;
      if (dt > 0) rate.push([s[i].t, Math.max(0, s[i].requests - s[i - 1].requests) / dt]);
    }
    const names = s.length ? s[s.length - 1].caches.map((c) => c.name) : [];
    const cache = (f) => names.map((n) => ({ name: n, points: s.map((x) => {
      const c = x.caches.find((c) => c.name === n);
      return [x.t, c ? f(c) : 0];
    }) }));
    const ratio = (c) => (c.hits + c.misses) ? 100 * c.hits / (c.hits + c.misses) : 0;
    $("#charts-live").replaceChildren(
      chart("Requests per second", [{ name: "", points: rate }], "/s"),
      chart("Cache entries", cache((c) => c.entries)),
      chart("Cache hit ratio (%, since start)", cache(ratio), "%"),
      chart("DB pool", [
        { name: "in use", points: s.filter((x) => x.db).map((x) => [x.t, x.db.inUse]) },
        { name: "open", points: s.filter((x) => x.db).map((x) => [x.t, x.db.open]) },
        { name: "max", points: s.filter((x) => x.db).map((x) => [x.t, x.db.max]) }]),
      chart("Memory (MiB)", [{ name: "", points: s.map((x) => [x.t, x.memoryBytes / 1048576]) }], "MiB"),
      chart("Goroutines", [{ name: "", points: s.map((x) => [x.t, x.goroutines]) }]));
  }

  for (const b of $$("#health-range button")) {
    b.addEventListener("click", () => { healthRange = b.dataset.range; loadHealth().catch(reportError); });
  }

  // ---- settings ------------------------------------------------------------

  let settings = null;

  async function loadSettings() {
    const [s, m] = await Promise.all([api("/settings"), api("/migrations")]);
    fillSettings(s);
    $("#migrations tbody").replaceChildren(...m.migrations.map((r) => el("tr", null,
      el("td", null, r.module), el("td", { class: "mono" }, r.version), el("td", { class: "mono nowrap" }, fmtTime(r.applied, true)))));
    if (!m.migrations.length) {
      $("#migrations tbody").append(el("tr", null, el("td", { colspan: 3, class: "muted" }, "None recorded (the server was not started with --apply-migrations on this database).")));
    }
    drawServerInfo();
  }

  function fillSettings(s) {
    settings = s;
    const f = $("#settings");
    for (const [k, v] of Object.entries(s)) {
      const input = f.elements[k];
      if (!input) continue;
      if (input.type === "checkbox") input.checked = v; else input.value = String(v);
    }
  }

  $("#settings").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = $("#settings");
    const change = {};
    for (const [k, v] of Object.entries(settings || {})) {
      const input = f.elements[k];
      if (!input) continue;
      const now = input.type === "checkbox" ? input.checked : typeof v === "number" ? Number(input.value) : input.value;
      if (now !== v) change[k] = now;
    }
    const out = $("#settings-result");
    if (!Object.keys(change).length) { out.textContent = "Nothing changed."; out.className = "muted"; return; }
    try {
      fillSettings(await api("/settings", { method: "PUT", body: JSON.stringify(change) }));
      out.textContent = "Saved: " + Object.keys(change).join(", ") + ".";
      out.className = "";
    } catch (e) {
      out.textContent = e.message;
      out.className = "error";
    }
  });

  function drawServerInfo() {
    const l = lastLive;
    if (!l) return;
    const facts = [["App", l.app], ["Server id", l.serverId], ["Mode", l.mode], ["Version", l.version + (l.revision ? " (" + l.revision.slice(0, 12) + ")" : "")],
      ["Go", l.goVersion], ["Started", fmtTime(l.started, true)], ["Uptime", fmtDuration(l.uptimeS)],
      ["Calls", l.requests + " (" + l.errors + " answered 5xx)"], ["In flight", l.inFlight]];
    $("#server-info").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", null, k), el("dd", null, v)]));
  }

  // ---- start -----------------------------------------------------------------

  if (sessionStorage.getItem(secretKey)) start(); else showSignIn("");
})();
