// Niaga mission live board: follows the mission's event stream. Each deal
// event carries the running total and count, so the board sets them from
// the event (a repeated event changes nothing); the charts are refreshed
// from the board's data URL a moment later. EventSource reconnects by
// itself and resumes with Last-Event-ID; after a hard failure the board
// reconnects from the last event it saw.
(function () {
  "use strict";
  var root = document.querySelector("[data-board]");
  if (!root) { return; }
  var cfg = JSON.parse(root.dataset.config);
  var data = JSON.parse(root.dataset.initial);
  var streamURL = root.dataset.stream;
  var base = streamURL.split("?")[0] + "?heartbeat=1&last_event_id=";
  var lastID = Number((streamURL.split("last_event_id=")[1] || "0"));
  var nf = new Intl.NumberFormat(cfg.lang === "en" ? "en-US" : "id-ID", { maximumFractionDigits: 0 });
  var tf = new Intl.DateTimeFormat(cfg.lang === "en" ? "en-GB" : "id-ID", { timeZone: cfg.tz, hour: "2-digit", minute: "2-digit", hour12: false });
  var $ = function (id) { return document.getElementById(id); };

  function rupiah(v) { return cfg.currency + nf.format(v); }

  // The total counts up to its new value; the last frame writes it exactly.
  var shown = Number($("board-total").dataset.value), anim = null;
  function setTotal(v) {
    var el = $("board-total"), from = shown, start = performance.now(), dur = 250;
    shown = v;
    el.dataset.value = String(v);
    if (anim) { cancelAnimationFrame(anim); }
    if (from === v || document.hidden) { el.textContent = rupiah(v); return; }
    el.classList.add("bump");
    function step(now) {
      var k = Math.min(1, (now - start) / dur);
      var e = 1 - Math.pow(1 - k, 3);
      el.textContent = rupiah(k < 1 ? Math.round(from + (v - from) * e) : v);
      if (k < 1) { anim = requestAnimationFrame(step); } else { anim = null; el.classList.remove("bump"); }
    }
    anim = requestAnimationFrame(step);
    setProgress(v);
  }

  function setProgress(v) {
    var bar = $("board-progress");
    if (!bar) { return; }
    var pct = Math.max(0, Math.min(100, v / Number(bar.dataset.target) * 100));
    bar.style.width = pct.toFixed(1) + "%";
    bar.parentNode.setAttribute("aria-valuenow", String(Math.round(pct)));
  }

  function addLatest(d) {
    var list = $("board-latest");
    if (list.querySelector("li[data-id='" + d.id + "']")) { return; }
    var empty = list.querySelector(".empty");
    if (empty) { empty.remove(); }
    var li = document.createElement("li");
    li.dataset.id = String(d.id);
    li.className = "new" + (d.reverses ? " reversal" : "");
    var parts = [
      ["when", tf.format(new Date(d.recorded_at)).replace(".", ":") + " " + cfg.zone],
      ["value", rupiah(d.value)],
      ["what", (cfg.commodities[d.commodity] || d.commodity) + (d.reverses ? " · " + cfg.labels.reversal : "")],
      ["who", d.seller_name + " → " + d.buyer_name]
    ];
    parts.forEach(function (p, i) {
      var el = document.createElement(p[0] === "value" ? "strong" : "span");
      el.className = p[0];
      el.textContent = p[1];
      li.appendChild(el);
      if (i < parts.length - 1) { li.appendChild(document.createTextNode(" ")); }
    });
    list.insertBefore(li, list.firstChild);
    while (list.children.length > 10) { list.removeChild(list.lastChild); }
  }

  // Charts: horizontal bars by commodity, by direction (seller's province
  // → buyer's province). Colours pass 3:1 against the dark panel.
  var palette = ["#ffc94d", "#5fd3a5", "#7cb8ff", "#ff8f7a", "#c9a0ff", "#f5e663", "#6fe0e8", "#ffa8d5", "#b5e48c", "#ffd6a5"];
  var charts = {};
  function chart(id, items) {
    var canvas = $(id);
    if (!canvas || typeof Chart === "undefined") { return; }
    items = items.slice(0, 8);
    // Long labels ("Jawa Timur → Kalimantan Selatan") go on two lines.
    var labels = items.map(function (x) {
      var p = x.label.split(" → ");
      return p.length === 2 ? [p[0] + " →", p[1]] : x.label;
    });
    var values = items.map(function (x) { return x.value; });
    canvas.setAttribute("aria-label", canvas.getAttribute("aria-label").split(":")[0] + ": " +
      items.map(function (x) { return x.label + " " + rupiah(x.value); }).join("; "));
    if (charts[id]) {
      charts[id].data.labels = labels;
      charts[id].data.datasets[0].data = values;
      charts[id].data.datasets[0].backgroundColor = labels.map(function (_, i) { return palette[i % palette.length]; });
      charts[id].update();
      return;
    }
    charts[id] = new Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: [{ data: values, borderWidth: 0, borderRadius: 4,
        backgroundColor: labels.map(function (_, i) { return palette[i % palette.length]; }) }] },
      options: {
        indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: { duration: 400 },
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (c) { return rupiah(c.raw); } } } },
        scales: {
          x: { ticks: { color: "#b4c4cf", callback: function (v) { return short(v); } }, grid: { color: "rgba(255,255,255,.08)" } },
          y: { ticks: { color: "#f3f7f9", font: { size: 14 } }, grid: { display: false } }
        }
      }
    });
  }

  // short writes big amounts compactly on chart axes ("12 M" / "12B").
  function short(v) {
    var f = new Intl.NumberFormat(cfg.lang === "en" ? "en-US" : "id-ID", { notation: "compact", maximumFractionDigits: 1 });
    return f.format(v);
  }

  function sides(items) {
    var ul = $("board-sides");
    if (!ul) { return; }
    ul.textContent = "";
    items.forEach(function (x) {
      var li = document.createElement("li");
      var a = document.createElement("span");
      a.textContent = x.label;
      var b = document.createElement("strong");
      b.textContent = rupiah(x.value);
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(b);
      ul.appendChild(li);
    });
  }

  function draw(d) {
    chart("chart-commodity", d.by_commodity);
    chart("chart-direction", d.by_direction);
    sides(d.by_side);
  }

  var refreshTimer = null;
  function refreshSoon() {
    if (refreshTimer) { clearTimeout(refreshTimer); }
    refreshTimer = setTimeout(function () {
      refreshTimer = null;
      fetch(cfg.data_url, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (!d) { return; }
          draw(d);
          // The snapshot may be newer than the last event: never go back.
          if (d.count >= Number($("board-count").dataset.count || 0)) { setCount(d.count); setTotal(d.total_value); }
        })
        .catch(function () {});
    }, 250);
  }

  function setCount(n) {
    var el = $("board-count");
    el.dataset.count = String(n);
    el.textContent = nf.format(n);
  }

  // setConn also drives the page's connection banner (live.js); back
  // after a drop, the board fetches its totals again.
  function setConn(ok) {
    var el = $("board-conn");
    el.textContent = ok ? cfg.labels.live : cfg.labels.offline;
    el.classList.toggle("ok", ok);
    if (window.niagaLive && window.niagaLive.setConn(ok) && ok) { refreshSoon(); }
  }

  // The server pings every 15 s (?heartbeat=1): a stream silent for
  // longer has died without telling, and is opened again.
  var current = null, heard = 0;
  function connect(url) {
    if (current) { current.close(); }
    heard = Date.now();
    var es = current = new EventSource(url);
    es.addEventListener("ping", function () { heard = Date.now(); });
    es.addEventListener("open", function () { setConn(true); });
    es.addEventListener("error", function () {
      if (es !== current) { return; }
      setConn(false);
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        setTimeout(function () { connect(base + lastID); }, 3000);
      }
    });
    es.addEventListener("deal", function (e) {
      heard = Date.now();
      lastID = Number(e.lastEventId) || lastID;
      var ev = JSON.parse(e.data);
      setTotal(ev.total_value);
      setCount(ev.count);
      addLatest(ev.deal);
      refreshSoon();
    });
    es.addEventListener("status", function (e) {
      lastID = Number(e.lastEventId) || lastID;
      var ev = JSON.parse(e.data);
      var st = $("board-status");
      if (st && cfg.labels["status_" + ev.status]) { st.textContent = cfg.labels["status_" + ev.status]; }
    });
    es.addEventListener("validation", function (e) { lastID = Number(e.lastEventId) || lastID; });
    es.addEventListener("schedule", function (e) { lastID = Number(e.lastEventId) || lastID; });
  }

  // Back online, reconnect at once rather than after the browser's retry.
  window.addEventListener("online", function () {
    if (!current || current.readyState !== EventSource.OPEN) { connect(base + lastID); }
  });
  window.addEventListener("offline", function () { setConn(false); });
  setInterval(function () {
    if (current && current.readyState === EventSource.OPEN && Date.now() - heard > 40000) {
      setConn(false);
      connect(base + lastID);
    }
  }, 5000);

  document.addEventListener("DOMContentLoaded", function () {
    $("board-count").dataset.count = String(data.count);
    setProgress(shown);
    draw(data);
    connect(streamURL);
  });
})();
