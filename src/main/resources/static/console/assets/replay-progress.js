// Follows a replay until none of its tasks is on its way any more: polls the page's progress URL
// once a second and updates the bar and the counts. No library, no build step.
(function () {
  var replay = document.getElementById('replay');
  if (!replay) { return; }
  var url = replay.getAttribute('data-progress-url');
  function show(p) {
    var bar = document.getElementById('replay-bar');
    bar.max = p.total;
    bar.value = p.total - p.onItsWay;
    document.getElementById('replay-sent').textContent = p.sent;
    document.getElementById('replay-total').textContent = p.total;
    document.getElementById('replay-on-its-way').textContent = p.onItsWay;
    document.getElementById('replay-dead').textContent = p.dead;
    document.getElementById('replay-done').hidden = !p.done;
  }
  function poll() {
    fetch(url, {headers: {'Accept': 'application/json'}, credentials: 'same-origin'})
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(function (p) { show(p); if (!p.done) { setTimeout(poll, 1000); } })
      .catch(function () { setTimeout(poll, 5000); });
  }
  if (document.getElementById('replay-done').hidden) { setTimeout(poll, 500); }
})();
