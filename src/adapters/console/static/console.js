// The console page's script, loaded as a module from /console/static/console.js (the page's
// Content-Security-Policy allows scripts from 'self' only). It polls /console/state for each pane's
// HTML and posts the page's JSON commands to /console/act; the server renders everything.

const params = new URLSearchParams(location.search);
let me = params.get("as") || localStorage.getItem("homevisit.console.as") || "";
let version = "";
let last = {};
let seq = 0;
let toastTimer = null;

function byId(id) {
  return document.getElementById(id);
}

function remember() {
  try {
    localStorage.setItem("homevisit.console.as", me);
  } catch {
    // Storage refused (private mode): the ?as= in the address still says who you are.
  }
  const url = new URL(location.href);
  url.searchParams.set("as", me);
  history.replaceState(null, "", url.toString());
}

/** Replaces a pane's HTML when it changed, keeping what was typed, the focus and the scroll. */
function swap(id, html) {
  const el = byId(id);
  if (!el || last[id] === html) return;
  last[id] = html;
  const kept = {};
  el.querySelectorAll("input[id],textarea[id]").forEach((input) => {
    if (input.value) kept[input.id] = input.value;
  });
  const active = document.activeElement && el.contains(document.activeElement) ? document.activeElement : null;
  const activeId = active ? active.id : "";
  const selStart = active && "selectionStart" in active ? active.selectionStart : null;
  const selEnd = active && "selectionEnd" in active ? active.selectionEnd : null;
  const nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 60;
  const scrollTop = el.scrollTop;
  el.innerHTML = html;
  Object.keys(kept).forEach((key) => {
    const input = document.getElementById(key);
    if (input && el.contains(input)) input.value = kept[key];
  });
  if (activeId) {
    const again = document.getElementById(activeId);
    if (again) {
      again.focus();
      try {
        again.setSelectionRange(selStart, selEnd);
      } catch {
        // Not a text field (a select or a button): focus is enough.
      }
    }
  }
  el.scrollTop = nearBottom ? el.scrollHeight : scrollTop;
}

function ahead(minutes) {
  if (minutes < 120) return minutes + " min";
  const hours = Math.floor(minutes / 60);
  return hours + " h " + (minutes % 60) + " min";
}

function showClock(clock) {
  byId("clock-time").textContent = clock.text;
  byId("clock-speed").textContent = clock.speed > 1 ? clock.speed + "×" : "";
  const banner = byId("speed-banner");
  const parts = [];
  if (clock.speed > 1)
    parts.push(
      "School time is running " +
        clock.speed +
        "× faster than real time: a 20-minute check-in passes in " +
        Math.round(1200 / clock.speed) +
        " seconds. Fill in forms at 1×.",
    );
  if (clock.aheadMinutes > 0) parts.push("School time is " + ahead(clock.aheadMinutes) + " ahead of real time (until restart).");
  banner.textContent = parts.join(" ");
  banner.hidden = parts.length === 0;
  document.body.dataset.speed = String(clock.speed);
}

function refresh(force) {
  const mine = ++seq;
  const url = "/console/state?as=" + encodeURIComponent(me) + (force ? "" : "&v=" + encodeURIComponent(version));
  return fetch(url, { headers: { accept: "application/json" } })
    .then((r) => {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    })
    .then((s) => {
      byId("offline").hidden = true;
      if (mine !== seq) return;
      if (s.as !== me) {
        me = s.as;
        remember();
      }
      showClock(s.clock);
      if (s.html) {
        version = s.version;
        Object.keys(s.html).forEach((key) => {
          swap("pane-" + key, s.html[key]);
        });
      }
      document.body.dataset.as = me;
      document.body.dataset.version = version;
    })
    .catch(() => {
      byId("offline").hidden = false;
    });
}

function toast(text) {
  const el = byId("toast");
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.hidden = true;
  }, 4000);
}

function openModal(html) {
  const dialog = byId("dialog");
  dialog.innerHTML = html;
  byId("modal").hidden = false;
  const first = dialog.querySelector("[aria-invalid=true]") || dialog.querySelector("input,select,textarea");
  if (first) first.focus();
}

function closeModal() {
  byId("modal").hidden = true;
  byId("dialog").innerHTML = "";
}

function act(body, showNote) {
  if (body.type !== "speed" && body.type !== "tick" && body.type !== "skip_to_school_day") body.as = me;
  return fetch("/console/act", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
    .then((r) => r.json().catch(() => ({ ok: false, note: "The console answered HTTP " + r.status + "." })))
    .then((res) => {
      if (res.form) openModal(res.form);
      else if (res.close) closeModal();
      if (res.note && (showNote || !res.ok) && !res.form) toast(res.note);
      return refresh(true).then(() => res);
    })
    .catch(() => {
      toast("The console did not answer.");
    });
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

document.addEventListener("click", (event) => {
  const target = event.target.closest("button");
  if (!target) return;
  const d = target.dataset;
  if (d.as) return switchTo(d.as);
  if (target.hasAttribute("data-close")) return closeModal();
  if (d.action) {
    target.disabled = true;
    act({ type: "button", actionId: d.action, value: d.value, ts: d.ts }).then(() => {
      target.disabled = false;
    });
    return;
  }
  if (d.speed) return void act({ type: "speed", speed: Number(d.speed) }, true);
  if (target.hasAttribute("data-tick")) return void act({ type: "tick" }, true);
  if (target.hasAttribute("data-skip")) return void act({ type: "skip_to_school_day" }, true);
  if (d.command !== undefined) return void act({ type: "command", text: d.command });
  if (d.dismiss) return void act({ type: "dismiss", id: Number(d.dismiss) });
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  event.preventDefault();
  if (form.classList.contains("reply-box") || form.classList.contains("command-box")) {
    const input = form.elements.namedItem("text");
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    if (form.classList.contains("reply-box")) act({ type: "reply", threadTs: form.dataset.thread, text: text });
    else act({ type: "command", text: text });
    return;
  }
  if (form.classList.contains("modal-form")) {
    const values = {};
    Array.prototype.forEach.call(form.elements, (el) => {
      if (!el.name) return;
      values[el.name] = el.type === "checkbox" ? (el.checked ? "true" : "") : el.value;
    });
    const submit = form.querySelector("[type=submit]");
    if (submit) submit.disabled = true;
    act({ type: "submit", formId: form.dataset.formId, metadata: form.dataset.metadata || "", values: values }).then(() => {
      if (submit) submit.disabled = false;
    });
  }
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !byId("modal").hidden) closeModal();
});

refresh(true);
setInterval(() => {
  refresh(false);
}, 1000);
