// Niaga pages: small progressive enhancements shared by every page. Pages
// work without it; it adds local clocks and countdowns.
(function () {
  "use strict";

  // Server time minus browser time, so countdowns follow the server's clock.
  var skew = 0;
  var meta = document.querySelector("meta[name='niaga-now']");
  if (meta) { skew = Number(meta.content) - Date.now(); }
  function now() { return Date.now() + skew; }
  window.niagaNow = now;

  // Clocks: <time data-clock data-tz="Asia/Makassar" data-zone="WITA">.
  function tickClocks() {
    document.querySelectorAll("[data-clock]").forEach(function (el) {
      var f = new Intl.DateTimeFormat(document.documentElement.lang === "en" ? "en-GB" : "id-ID",
        { timeZone: el.dataset.tz, hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
      el.textContent = f.format(new Date(now())).replace(/\./g, ":") + " " + el.dataset.zone;
    });
  }

  // Countdowns: <span data-countdown data-ends="ms since epoch" data-done="text">.
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function fmt(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), r = s % 60;
    if (h >= 48) { return Math.floor(h / 24) + "d " + pad(h % 24) + ":" + pad(m) + ":" + pad(r); }
    return (h > 0 ? h + ":" + pad(m) : String(m)) + ":" + pad(r);
  }
  function tickCountdowns() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var left = Number(el.dataset.ends) - now();
      el.textContent = left > 0 ? fmt(left) : el.dataset.done;
      el.classList.toggle("ending", left > 0 && left < 60000);
      el.classList.toggle("done", left <= 0);
    });
  }

  function tick() { tickClocks(); tickCountdowns(); }
  window.niagaTick = tick;

  // Selects marked data-autosubmit submit their form when changed.
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) { el.form.requestSubmit(); }
  });

  // After htmx refreshes a live panel, say its summary to screen readers
  // through one stable live region (replaced nodes are not announced).
  document.addEventListener("htmx:afterSettle", function (e) {
    var el = e.detail && e.detail.elt;
    var status = document.getElementById("live-status");
    if (el && el.dataset && el.dataset.announce && status) { status.textContent = el.dataset.announce; }
    tick();
  });

  // Folds (<details class="fold">: the menu, a mission's parts) stay open
  // on a wide screen. CSS does that where it can style ::details-content;
  // elsewhere they open here, and a phone still sees them folded.
  if (!(window.CSS && CSS.supports && CSS.supports("selector(::details-content)")) && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 48rem)");
    var unfold = function () {
      document.querySelectorAll("details.fold").forEach(function (d) { d.open = wide.matches; });
    };
    document.addEventListener("DOMContentLoaded", unfold);
    if (wide.addEventListener) { wide.addEventListener("change", unfold); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    // After a refused form, put the keyboard on the first field to fix.
    var bad = document.querySelector("[aria-invalid='true']");
    if (bad) { bad.focus(); }
    // The bell asks for the unread count every 15 s while the page is in
    // view (and when it comes back into view): a request of a few bytes,
    // and no connection held open by every page of a phone.
    var bell = document.querySelector(".bell");
    if (bell && window.fetch) {
      var count = bell.querySelector(".count");
      var poll = function () {
        if (document.hidden) { return; }
        fetch("/api/v1/me/notifications?limit=1", { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (j) {
            if (!j) { return; }
            count.textContent = String(j.unread);
            count.hidden = j.unread === 0;
            bell.classList.toggle("new", j.unread > 0);
          })
          .catch(function () {});
      };
      setInterval(poll, 15000);
      document.addEventListener("visibilitychange", poll);
    }
    tick();
    setInterval(tick, 250);
  });
})();
