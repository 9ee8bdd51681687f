// Niaga live pages (the lot, the session, the mission board): one
// connection banner, and the page's state fetched again whenever it may
// have missed something — on reconnecting, on coming back online or into
// view, and when a lot's opening time comes. Live parts are marked
// data-live and fetch themselves (htmx) on "niaga:refresh".
(function () {
  "use strict";

  var banner = null, down = false, pending = null;

  // setConn shows the banner when the connection is lost (after a short
  // grace: a stream the server ends reconnects at once) and empties it when
  // it is back. It reports whether the connection was down.
  function setConn(ok, now) {
    banner = banner || document.getElementById("conn-banner");
    if (ok) {
      if (pending) { clearTimeout(pending); pending = null; }
      var was = down;
      down = false;
      if (banner) { banner.textContent = ""; }
      document.documentElement.classList.remove("offline");
      return was;
    }
    if (down || (pending && !now)) { return true; }
    var show = function () {
      pending = null;
      down = true;
      if (banner) { banner.textContent = banner.dataset.offline; }
      document.documentElement.classList.add("offline");
    };
    if (now) { show(); } else { pending = setTimeout(show, 1500); }
    return true;
  }

  // refresh asks every live part ([data-live], fetched by htmx on
  // "niaga:refresh") for its state now. A part whose fetch is on its way
  // (htmx marks it htmx-request) is asked again once that answer is in:
  // the answer replaces the part, and a request queued on the old one
  // would be lost — on a slow phone, the second of two quick bids was.
  var lastRefresh = 0, again = null;
  function refresh() {
    lastRefresh = Date.now();
    document.querySelectorAll("[data-live]").forEach(function (el) {
      if (el.classList.contains("htmx-request")) {
        if (!again) { again = setTimeout(function () { again = null; refresh(); }, 250); }
        return;
      }
      el.dispatchEvent(new CustomEvent("niaga:refresh"));
    });
  }

  // silence is how long a stream may stay quiet (ms): a little over two of
  // the server's 15 s heartbeats.
  var live = window.niagaLive = { setConn: setConn, refresh: refresh, silence: 40000 };

  // The lot page's event stream: every event of the lot refreshes the
  // live part; the stream resumes after the last event seen. The server
  // pings every 15 s (?heartbeat=1): a stream quiet for longer than
  // live.silence has died without telling (a phone between cells), and is
  // opened again.
  var es = null, retry = 0, timer = null, root = null, base = "", last = 0, lost = false, heard = 0;
  function connect() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (es) { es.close(); }
    root.dataset.conn = "connecting";
    heard = Date.now();
    var s = es = new EventSource(base + "?heartbeat=1&last_event_id=" + last);
    s.addEventListener("ping", function () { heard = Date.now(); });
    s.onopen = function () {
      heard = Date.now();
      retry = 0;
      root.dataset.conn = "open";
      // Missed events come again from the database; the refresh covers
      // what no event tells (a lot that opened meanwhile).
      if (setConn(true) || lost) { lost = false; refresh(); }
    };
    s.onerror = function () {
      if (s !== es) { return; }
      root.dataset.conn = "down";
      lost = true;
      setConn(false, !navigator.onLine);
      if (s.readyState === EventSource.CLOSED) { // refused or failed: retry, slower each time
        retry = Math.min(retry + 1, 5);
        timer = setTimeout(connect, 1000 * retry);
      }
    };
    ["bid", "extend", "close"].forEach(function (kind) {
      s.addEventListener(kind, function (e) {
        heard = Date.now();
        last = Math.max(last, Number(e.lastEventId) || 0);
        refresh();
      });
    });
  }

  window.addEventListener("offline", function () {
    setConn(false, true);
    if (es) { es.close(); es = null; lost = true; if (root) { root.dataset.conn = "down"; } }
  });
  window.addEventListener("online", function () {
    // The stream reconnects at once (the browser's own retry may wait);
    // a polled page fetches now, and its answer ends the banner.
    if (root) { retry = 0; connect(); } else { refresh(); }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "visible") { return; }
    if (root && (!es || es.readyState !== EventSource.OPEN)) { connect(); } else { refresh(); }
  });

  // Polled parts (the session page): a failed fetch is a lost connection,
  // the next good one ends it.
  document.addEventListener("htmx:sendError", function () { if (!root) { setConn(false); } });
  document.addEventListener("htmx:afterRequest", function (e) {
    if (!root && e.detail && e.detail.successful) { setConn(true); }
  });

  // Elements with data-due (ms since the epoch, server time) refresh the
  // page once their time has come: a lot opening while watched becomes
  // biddable without a reload. At most one such refresh every 2 s, in case
  // the server's clock is behind the page's estimate of it.
  function watchdog() {
    if (root && es && es.readyState === EventSource.OPEN && Date.now() - heard > live.silence) {
      lost = true;
      root.dataset.conn = "down";
      setConn(false, true);
      connect();
    }
  }

  function checkDue() {
    var now = window.niagaNow ? window.niagaNow() : Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      if (el.dataset.fired || Number(el.dataset.due) > now || Date.now() - lastRefresh < 2000) { return; }
      el.dataset.fired = "1";
      refresh();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    root = document.querySelector("[data-live-stream]");
    if (root) {
      var url = root.dataset.liveStream;
      base = url.split("?")[0];
      last = Number((url.split("last_event_id=")[1] || "0"));
      connect();
    }
    setInterval(checkDue, 500);
    setInterval(watchdog, 5000);
    if (!navigator.onLine) { setConn(false, true); }
  });
})();
