// The OpenHands V0 archive viewer: sorting and filtering of the index, and
// loading of a conversation's events chunk by chunk as the reader scrolls.
// It runs from file:// with no network: chunks are scripts in the archive
// (Chromium forbids fetch() of local files). It never builds HTML from
// archive data itself: chunks carry HTML the exporter already escaped.
(function () {
  'use strict';

  function initIndex() {
    var table = document.getElementById('conversations');
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var filter = document.getElementById('filter');
    var status = document.getElementById('status');
    var shown = document.getElementById('shown');
    var none = document.getElementById('none');
    var text = rows.map(function (r) { return r.textContent.toLowerCase(); });

    function apply() {
      var q = filter.value.trim().toLowerCase();
      var words = q === '' ? [] : q.split(/\s+/);
      var st = status.value;
      var n = 0;
      rows.forEach(function (r, i) {
        var ok = (st === '' || r.dataset.status === st) && words.every(function (w) { return text[i].indexOf(w) >= 0; });
        r.hidden = !ok;
        if (ok) n++;
      });
      shown.textContent = n + ' shown';
      none.hidden = n !== 0;
    }
    filter.addEventListener('input', apply);
    status.addEventListener('change', apply);

    var buttons = table.querySelectorAll('thead button');
    Array.prototype.forEach.call(buttons, function (b) {
      b.addEventListener('click', function () {
        var key = b.dataset.key;
        var desc = !(b.classList.contains('sorted') && b.classList.contains('desc'));
        if (!b.classList.contains('sorted')) desc = key === 'updated' || key === 'created' || key === 'events';
        Array.prototype.forEach.call(buttons, function (o) { o.classList.remove('sorted', 'asc', 'desc'); });
        b.classList.add('sorted', desc ? 'desc' : 'asc');
        var numeric = b.dataset.numeric === '1';
        var order = rows.map(function (r, i) { return i; });
        order.sort(function (i, j) {
          var x = rows[i].dataset[key] || '', y = rows[j].dataset[key] || '';
          var c = numeric ? (Number(x) - Number(y)) : (x < y ? -1 : x > y ? 1 : 0);
          if (desc) c = -c;
          return c !== 0 ? c : i - j;
        });
        var sortedRows = order.map(function (i) { return rows[i]; });
        var sortedText = order.map(function (i) { return text[i]; });
        rows = sortedRows;
        text = sortedText;
        rows.forEach(function (r) { tbody.appendChild(r); });
      });
    });
    apply();
  }

  // At most keep chunks are in the page at once: scrolling on drops the
  // oldest, and "Show earlier events" brings them back, so that a
  // conversation of any length scrolls as fast as a short one.
  var keep = 10;

  function initConversation() {
    var list = document.getElementById('events');
    var total = Number(list.dataset.chunks);
    var base = list.dataset.base;
    var more = document.getElementById('more');
    var earlier = document.getElementById('earlier');
    var jump = document.getElementById('jump');
    var expand = document.getElementById('expand');
    var loaded = document.getElementById('loaded');
    var first = 0;       // the first chunk shown
    var next = 0;        // the chunk to append next
    var pending = -1;    // the chunk being loaded, or -1
    var prepend = false; // whether the pending chunk goes on top
    var target = null;   // an event to scroll to once loaded

    function status() {
      if (total === 0) return;
      var n = list.querySelectorAll('article.ev').length;
      loaded.textContent = n + ' events shown (chunks ' + (first + 1) + '–' + next + ' of ' + total + ')';
      more.textContent = next < total ? 'Loading more events…' : 'End of the conversation.';
      earlier.hidden = first === 0;
    }

    function load(i, onTop) {
      if (i < 0 || i >= total || pending >= 0) return;
      pending = i;
      prepend = !!onTop;
      var s = document.createElement('script');
      s.src = base + String(i).padStart(5, '0') + '.js';
      s.onerror = function () {
        pending = -1;
        more.textContent = 'Could not load ' + s.src + ' from the archive.';
        more.classList.add('problem');
      };
      s.onload = function () { s.remove(); };
      document.body.appendChild(s);
    }

    window.OHV = {
      chunk: function (i, html) {
        if (i !== pending) return;
        pending = -1;
        var section = document.createElement('section');
        section.dataset.chunk = String(i);
        section.insertAdjacentHTML('beforeend', html);
        if (expand && expand.checked) setOpen(section, true);
        if (prepend) {
          list.insertBefore(section, list.firstChild);
          first = i;
          if (list.children.length > keep) { list.lastChild.remove(); next--; }
        } else {
          list.appendChild(section);
          next = i + 1;
          if (list.children.length > keep) { list.firstChild.remove(); first++; }
        }
        status();
        if (target !== null) {
          var el = document.getElementById(target);
          if (el) { target = null; el.scrollIntoView(); el.classList.add('target'); }
        }
        if (!prepend && visible()) load(next);
      }
    };

    function visible() {
      var r = more.getBoundingClientRect();
      return r.top < window.innerHeight + 1500;
    }

    function restart(i) {
      list.textContent = '';
      first = i;
      next = i;
      pending = -1;
      window.scrollTo(0, 0);
      load(i);
    }

    function setOpen(root, open) {
      Array.prototype.forEach.call(root.querySelectorAll('details'), function (d) { d.open = open; });
    }

    if ('IntersectionObserver' in window) {
      new IntersectionObserver(function (entries) {
        if (entries.some(function (e) { return e.isIntersecting; })) load(next);
      }, { rootMargin: '1500px 0px' }).observe(more);
    } else {
      window.addEventListener('scroll', function () { if (visible()) load(next); });
    }
    earlier.addEventListener('click', function () { load(first - 1, true); });
    if (jump) jump.addEventListener('change', function () { restart(Number(jump.value)); });
    if (expand) expand.addEventListener('change', function () { setOpen(list, expand.checked); });

    // #e123 in the address: start at the chunk that holds event 123, unless
    // it is in the page already.
    function goTo(hash) {
      var m = /^#e(\d+)$/.exec(hash);
      if (!m || !jump) return false;
      var id = Number(m[1]), start = 0;
      var el = document.getElementById('e' + id);
      if (el) { el.scrollIntoView(); return true; }
      Array.prototype.forEach.call(jump.options, function (o) {
        if (Number(o.dataset.first) <= id) start = Number(o.value);
      });
      jump.value = String(start);
      target = 'e' + id;
      restart(start);
      return true;
    }
    window.addEventListener('hashchange', function () { goTo(location.hash); });
    if (!goTo(location.hash)) load(0);
    status();
  }

  var page = document.body.dataset.page;
  if (page === 'index') initIndex();
  if (page === 'conversation') initConversation();
})();
