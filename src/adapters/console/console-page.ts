import { CHANNELS } from "./console-view.js";
import { escapeHtml } from "./render-message.js";

export interface PageInfo {
  schoolName: string;
  /** The demo directory is in use (fictional staff and pupils). */
  demo: boolean;
  production: boolean;
}

/**
 * The whole console: one HTML page, its CSS and a little vanilla JS that polls
 * /console/state and posts commands to /console/act. No build step, no dependencies.
 */
export function consolePage(info: PageInfo): string {
  const columns = CHANNELS.map(
    (c) =>
      `<section class="col" aria-labelledby="h-${c.id}"><div class="col-head"><h2 id="h-${c.id}"># ${c.id}</h2><p>${escapeHtml(c.about)}</p></div><div class="pane" id="pane-${c.id}" data-pane="${c.id}"></div></section>`,
  ).join("\n");
  const demo = info.demo ? `<span class="demo-tag">Demo school: fictional staff and pupils</span>` : "";
  const prod = info.production ? `<span class="prod-tag">production</span>` : "";
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>homevisit console — ${escapeHtml(info.schoolName)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="top">
  <div class="brand">homevisit <span>console</span></div>
  <div class="school">${escapeHtml(info.schoolName)} ${demo}${prod}</div>
  <div class="clock" aria-live="off"><span class="clock-label">School time</span><strong id="clock-time">…</strong><span id="clock-speed" class="clock-speed"></span></div>
</header>
<div class="bar">
  <nav id="pane-people" class="people" aria-label="Act as"></nav>
  <div id="pane-controls" class="controls"></div>
</div>
<div id="speed-banner" class="speed-banner" role="status" hidden></div>
<div id="offline" class="offline" role="alert" hidden>Not connected: is homevisit still running?</div>
<main class="columns">
<section class="col col-you" aria-labelledby="h-you"><div class="col-head"><h2 id="h-you">Direct messages</h2><p id="you-about">Messages to the person you are acting as.</p></div><div class="pane" id="pane-you" data-pane="you"></div></section>
${columns}
</main>
<footer class="foot">Local console: the same domain, policy, timers, escalation and records as Slack and Teams. Messages are kept until restart; visits and timers are in the database.</footer>
<div id="modal" class="modal" hidden><div class="dialog" id="dialog" role="dialog" aria-modal="true"></div></div>
<div id="toast" class="toast" role="status" hidden></div>
<script>${SCRIPT}</script>
</body>
</html>`;
}

const CSS = `
*{box-sizing:border-box}
html,body{height:100%;margin:0}
body{font:15px/1.46 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1d1c1d;background:#f4ede4;display:flex;flex-direction:column}
button{font:inherit}
.top{display:flex;align-items:center;gap:24px;padding:8px 16px;background:#3f0e40;color:#fff}
.brand{font-weight:900;font-size:18px;letter-spacing:-.2px}.brand span{font-weight:400;opacity:.8}
.school{flex:1;font-size:14px;opacity:.95}
.demo-tag,.prod-tag{display:inline-block;margin-left:8px;padding:1px 8px;border-radius:10px;background:#ecb22e;color:#1d1c1d;font-size:12px;font-weight:700}
.prod-tag{background:#e01e5a;color:#fff}
.clock{display:flex;align-items:baseline;gap:10px;background:rgba(255,255,255,.12);padding:4px 12px;border-radius:6px}
.clock-label{font-size:12px;text-transform:uppercase;letter-spacing:.5px;opacity:.8}
#clock-time{font-size:22px;font-variant-numeric:tabular-nums}
.clock-speed{font-weight:900;font-size:18px;color:#ecb22e}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:8px 20px;padding:8px 16px;background:#fff;border-bottom:1px solid #ddd}
.people{display:flex;flex-wrap:wrap;gap:6px;align-items:center;flex:1}
.people-label,.ctl-label{font-size:12px;font-weight:700;text-transform:uppercase;color:#616061;margin-right:4px}
.person{position:relative;display:flex;flex-direction:column;align-items:flex-start;padding:4px 12px;border:1px solid #ccc;border-radius:6px;background:#fff;cursor:pointer;line-height:1.2}
.person:hover{background:#f8f8f8}
.person.current{background:#1164a3;border-color:#1164a3;color:#fff}
.pname{font-weight:700;font-size:14px}.proles{font-size:12px;opacity:.8}
.badge{position:absolute;top:-7px;right:-7px;min-width:18px;height:18px;padding:0 5px;border-radius:9px;background:#e01e5a;color:#fff;font-size:11px;font-weight:700;line-height:18px;text-align:center}
.controls{display:flex;align-items:center;gap:8px;flex-wrap:wrap}
.speeds{display:inline-flex}.speeds .btn{border-radius:0;margin-left:-1px}.speeds .btn:first-child{border-radius:4px 0 0 4px}.speeds .btn:last-child{border-radius:0 4px 4px 0}
.btn.speed.current{background:#ecb22e;border-color:#c9951c;color:#1d1c1d}
.fixed{font-size:13px;color:#616061}
.speed-banner{padding:6px 16px;background:#ecb22e;color:#1d1c1d;font-weight:700;text-align:center}
.offline{padding:6px 16px;background:#e01e5a;color:#fff;font-weight:700;text-align:center}
.columns{flex:1;min-height:0;display:grid;grid-template-columns:minmax(330px,1.15fr) repeat(4,minmax(300px,1fr));gap:1px;background:#ddd;overflow-x:auto}
.col{display:flex;flex-direction:column;min-height:0;background:#fff}
.col-you{background:#fbfaf9}
.col-head{padding:8px 14px;border-bottom:1px solid #e8e8e8}
.col-head h2{margin:0;font-size:17px;font-weight:900}
.col-head p{margin:0;font-size:12px;color:#616061}
.pane{flex:1;overflow-y:auto;padding:6px 0 16px}
.empty{color:#868686;font-size:13px;padding:8px 14px;margin:0}
.msg{display:flex;gap:8px;padding:6px 14px}
.msg:hover{background:#f8f8f8}
.avatar{flex:none;width:36px;height:36px;border-radius:6px;background:#9e6a9f;color:#fff;font-weight:700;font-size:13px;display:flex;align-items:center;justify-content:center}
.avatar.bot{background:#2bac76}
.msg-main{flex:1;min-width:0}
.msg header{display:flex;align-items:baseline;gap:6px;flex-wrap:wrap}
.author{font-weight:900;font-size:15px}
.app-badge{font-size:10px;font-weight:700;color:#616061;background:#e8e8e8;border-radius:2px;padding:0 3px}
.msg time,.edited{font-size:12px;color:#616061}
.card{margin-top:2px;overflow-wrap:anywhere}
.card.tone-success,.card.tone-warning,.card.tone-danger{border-left:4px solid #ccc;padding-left:10px;border-radius:2px}
.card.tone-success{border-left-color:#2eb67d}.card.tone-warning{border-left-color:#ecb22e}.card.tone-danger{border-left-color:#e01e5a;background:#fff5f7}
.mentions{margin-bottom:2px}
.mention{background:rgba(29,155,209,.1);color:#1264a3;border-radius:3px;padding:0 2px;font-weight:600}
.blk-title{font-weight:700;margin:0 0 4px}
.blk-text{margin:2px 0}
.blk-fields{display:grid;grid-template-columns:1fr 1fr;gap:6px 14px;margin:6px 0}
.blk-fields .field{min-width:0}
.blk-fields dt{font-weight:700;font-size:14px}
.blk-fields dd{margin:0;font-size:14px}
.blk-actions{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0 4px}
.blk-context{font-size:12px;color:#616061;margin:4px 0}
code{font:12px Monaco,Menlo,Consolas,monospace;background:#f6f6f6;border:1px solid #e8e8e8;border-radius:3px;padding:0 3px;color:#e01e5a}
.btn{display:inline-flex;align-items:center;height:30px;padding:0 12px;border:1px solid rgba(29,28,29,.3);border-radius:4px;background:#fff;color:#1d1c1d;font-size:14px;font-weight:700;cursor:pointer;white-space:nowrap}
.btn:hover{background:#f8f8f8;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.btn:disabled{opacity:.5;cursor:default}
.btn-primary{background:#007a5a;border-color:#007a5a;color:#fff}.btn-primary:hover{background:#148567}
.btn-danger{background:#e01e5a;border-color:#e01e5a;color:#fff}.btn-danger:hover{background:#e23067}
.thread{border-bottom:1px solid #f0f0f0;padding-bottom:6px}
.replies{margin:0 14px 0 58px;border-left:2px solid #e8e8e8}
.replies .msg{padding-left:10px}
.reply-count{font-size:13px;font-weight:700;color:#1264a3;padding:2px 10px}
.reply-box{display:flex;gap:6px;padding:6px 0 4px 10px}
.reply-box input,.command-box input{flex:1;min-width:0;height:32px;padding:0 8px;border:1px solid #bbb;border-radius:4px;font:inherit;font-size:14px}
.placeholder .blk-context{font-style:italic}
.human-text{margin-top:2px}
.you-tools{padding:6px 14px 10px;border-bottom:1px solid #eee}
.quick{display:flex;flex-wrap:wrap;gap:6px;margin-bottom:6px}
.command-box{display:flex;gap:6px}
.ephemeral{margin:6px 0;padding:6px 10px;border-radius:4px;background:#f1f1f1;font-size:14px;border-left:4px solid #1264a3}
.ephemeral.tone-warning{border-left-color:#ecb22e;background:#fff8e6}.ephemeral.tone-success{border-left-color:#2eb67d}
.only-you{font-size:12px;color:#616061;display:flex;justify-content:space-between}
.dismiss{border:0;background:none;color:#616061;cursor:pointer;font-size:15px;line-height:1;padding:0 2px}
.foot{padding:4px 16px;font-size:12px;color:#616061;background:#fff;border-top:1px solid #ddd}
.modal{position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;align-items:center;justify-content:center;z-index:10}
.modal[hidden]{display:none}
.dialog{width:min(620px,94vw);max-height:92vh;display:flex;flex-direction:column;background:#fff;border-radius:8px;box-shadow:0 18px 48px rgba(0,0,0,.35)}
.modal-form{display:flex;flex-direction:column;min-height:0;max-height:92vh}
.modal-head{display:flex;justify-content:space-between;align-items:flex-start;padding:18px 24px 10px;border-bottom:1px solid #eee}
.modal-head h2{margin:0;font-size:22px;font-weight:900}
.acting{font-size:13px;color:#616061}
.close{border:0;background:none;font-size:26px;line-height:1;cursor:pointer;color:#616061}
.modal-body{padding:12px 24px;overflow-y:auto}
.modal-foot{display:flex;justify-content:flex-end;gap:8px;padding:12px 24px;border-top:1px solid #eee}
.intro{margin:0 0 10px}
.form-field{margin:0 0 14px}
.form-field label{display:block;font-weight:700;margin-bottom:3px}
.form-field.checkbox label{font-weight:400}
.optional{font-weight:400;color:#616061}
.hint{font-size:13px;color:#616061;margin-bottom:3px}
.form-field input[type=text],.form-field input[type=number],.form-field input[type=datetime-local],.form-field select,.form-field textarea{width:100%;padding:8px;border:1px solid #868686;border-radius:4px;font:inherit;background:#fff}
.has-error input,.has-error select,.has-error textarea{border-color:#e01e5a;box-shadow:0 0 0 1px #e01e5a}
.field-error{color:#e01e5a;font-size:13px;margin-top:3px;font-weight:600}
.form-error{background:#fde7ee;border:1px solid #e01e5a;color:#a0063a;border-radius:4px;padding:8px 10px;margin-bottom:12px;font-weight:600}
.toast{position:fixed;bottom:40px;left:50%;transform:translateX(-50%);background:#1d1c1d;color:#fff;padding:8px 16px;border-radius:6px;z-index:20;max-width:80vw}
`;

// Plain ES2017, no template literals: it sits inside one.
const SCRIPT = `
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  var me = params.get("as") || localStorage.getItem("homevisit.console.as") || "";
  var version = "";
  var last = {};
  var seq = 0;
  var toastTimer = null;

  function byId(id) { return document.getElementById(id); }

  function remember() {
    try { localStorage.setItem("homevisit.console.as", me); } catch (e) {}
    var url = new URL(location.href);
    url.searchParams.set("as", me);
    history.replaceState(null, "", url.toString());
  }

  function swap(id, html) {
    var el = byId(id);
    if (!el || last[id] === html) return;
    last[id] = html;
    var kept = {};
    el.querySelectorAll("input[id],textarea[id]").forEach(function (input) { if (input.value) kept[input.id] = input.value; });
    var active = document.activeElement && el.contains(document.activeElement) ? document.activeElement : null;
    var activeId = active ? active.id : "";
    var selStart = active && "selectionStart" in active ? active.selectionStart : null;
    var selEnd = active && "selectionEnd" in active ? active.selectionEnd : null;
    var nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 60;
    var scrollTop = el.scrollTop;
    el.innerHTML = html;
    Object.keys(kept).forEach(function (key) {
      var input = document.getElementById(key);
      if (input && el.contains(input)) input.value = kept[key];
    });
    if (activeId) {
      var again = document.getElementById(activeId);
      if (again) { again.focus(); try { again.setSelectionRange(selStart, selEnd); } catch (e) {} }
    }
    el.scrollTop = nearBottom ? el.scrollHeight : scrollTop;
  }

  function ahead(minutes) {
    if (minutes < 120) return minutes + " min";
    var hours = Math.floor(minutes / 60);
    return hours + " h " + (minutes % 60) + " min";
  }

  function showClock(clock) {
    byId("clock-time").textContent = clock.text;
    byId("clock-speed").textContent = clock.speed > 1 ? clock.speed + "×" : "";
    var banner = byId("speed-banner");
    var parts = [];
    if (clock.speed > 1) parts.push("School time is running " + clock.speed + "× faster than real time: a 20-minute check-in passes in " + Math.round(1200 / clock.speed) + " seconds. Fill in forms at 1×.");
    if (clock.aheadMinutes > 0) parts.push("School time is " + ahead(clock.aheadMinutes) + " ahead of real time (until restart).");
    banner.textContent = parts.join(" ");
    banner.hidden = parts.length === 0;
    document.body.dataset.speed = String(clock.speed);
  }

  function refresh(force) {
    var mine = ++seq;
    var url = "/console/state?as=" + encodeURIComponent(me) + (force ? "" : "&v=" + encodeURIComponent(version));
    return fetch(url, { headers: { accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (s) {
        byId("offline").hidden = true;
        if (mine !== seq) return;
        if (s.as !== me) { me = s.as; remember(); }
        showClock(s.clock);
        if (s.html) {
          version = s.version;
          Object.keys(s.html).forEach(function (key) { swap("pane-" + key, s.html[key]); });
        }
        document.body.dataset.as = me;
        document.body.dataset.version = version;
      })
      .catch(function () { byId("offline").hidden = false; });
  }

  function toast(text) {
    var el = byId("toast");
    el.textContent = text;
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { el.hidden = true; }, 4000);
  }

  function openModal(html) {
    var dialog = byId("dialog");
    dialog.innerHTML = html;
    byId("modal").hidden = false;
    var first = dialog.querySelector("[aria-invalid=true]") || dialog.querySelector("input,select,textarea");
    if (first) first.focus();
  }

  function closeModal() {
    byId("modal").hidden = true;
    byId("dialog").innerHTML = "";
  }

  function act(body, showNote) {
    if (body.type !== "speed" && body.type !== "tick" && body.type !== "skip_to_school_day") body.as = me;
    return fetch("/console/act", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().catch(function () { return { ok: false, note: "The console answered HTTP " + r.status + "." }; }); })
      .then(function (res) {
        if (res.form) openModal(res.form);
        else if (res.close) closeModal();
        if (res.note && (showNote || !res.ok) && !res.form) toast(res.note);
        return refresh(true).then(function () { return res; });
      })
      .catch(function () { toast("The console did not answer."); });
  }

  function switchTo(id) {
    if (!id) return;
    me = id;
    remember();
    closeModal();
    last = {};
    version = "";
    refresh(true);
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target) return;
    var d = target.dataset;
    if (d.as) return switchTo(d.as);
    if (target.hasAttribute("data-close")) return closeModal();
    if (d.action) {
      target.disabled = true;
      act({ type: "button", actionId: d.action, value: d.value, ts: d.ts }).then(function () { target.disabled = false; });
      return;
    }
    if (d.speed) return void act({ type: "speed", speed: Number(d.speed) }, true);
    if (target.hasAttribute("data-tick")) return void act({ type: "tick" }, true);
    if (target.hasAttribute("data-skip")) return void act({ type: "skip_to_school_day" }, true);
    if (d.command !== undefined) return void act({ type: "command", text: d.command });
    if (d.dismiss) return void act({ type: "dismiss", id: Number(d.dismiss) });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    event.preventDefault();
    if (form.classList.contains("reply-box") || form.classList.contains("command-box")) {
      var input = form.elements.namedItem("text");
      var text = input.value.trim();
      if (!text) return;
      input.value = "";
      if (form.classList.contains("reply-box")) act({ type: "reply", threadTs: form.dataset.thread, text: text });
      else act({ type: "command", text: text });
      return;
    }
    if (form.classList.contains("modal-form")) {
      var values = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name) return;
        values[el.name] = el.type === "checkbox" ? (el.checked ? "true" : "") : el.value;
      });
      var submit = form.querySelector("[type=submit]");
      if (submit) submit.disabled = true;
      act({ type: "submit", formId: form.dataset.formId, metadata: form.dataset.metadata || "", values: values })
        .then(function () { if (submit) submit.disabled = false; });
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !byId("modal").hidden) closeModal();
  });

  refresh(true);
  setInterval(function () { refresh(false); }, 1000);
})();
`;
