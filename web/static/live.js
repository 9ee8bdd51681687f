// Niaga live pages (the lot, the session, the mission board): one
// connection banner, and the page's state fetched again whenever it may
// have missed something — on reconnecting, on coming back online or into
// view, and when a lot's opening time comes. A page asks for a refresh by
// dispatching "niaga:refresh" on the body; htmx parts listen for it.
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

  var lastRefresh = 0;
  function refresh() {
    lastRefresh = Date.now();
    document.body.dispatchEvent(new CustomEvent("niaga:refresh", { bubbles: true }));
  }

  window.niagaLive = { setConn: setConn, refresh: refresh };

  // The lot page's event stream: every event of the lot refreshes the
  // live part; the stream resumes after the last event seen.
  var es = null, retry = 0, timer = null, root = null, base = "", last = 0, lost = false;
  function connect() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (es) { es.close(); }
    root.dataset.conn = "connecting";
    var s = es = new EventSource(base + "?last_event_id=" + last);
    s.onopen = function () {
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
    if (!navigator.onLine) { setConn(false, true); }
  });
})();
