// Article pages work without this script: passages open through #passage-N links and
// :target, with a link to the side-by-side page. With it, a click shows the passage beside
// the text without leaving the page, and its words are fetched from the JSON API.
document.documentElement.classList.add("js");

var pairs = {};  // "a\u0000b" -> promise of the pair's passages

function passagesOf(a, b) {
  var key = a + "\u0000" + b;
  if (!pairs[key]) {
    var query = "a=" + encodeURIComponent(a) + "&b=" + encodeURIComponent(b);
    pairs[key] = fetch("/alignments.json?" + query).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }
  return pairs[key];
}

function cell(words, side) {
  var td = document.createElement("td");
  words.forEach(function (op) {
    if (!op[side]) return;
    var span = document.createElement("span");
    span.className = "op " + op.kind;
    span.textContent = op[side];  // text only: article words are never parsed as HTML
    td.appendChild(span);
    td.appendChild(document.createTextNode(" "));
  });
  return td;
}

function sideBySide(slot) {
  if (slot.dataset.loaded) return;
  slot.dataset.loaded = "1";
  passagesOf(slot.dataset.a, slot.dataset.b).then(function (data) {
    var start = Number(slot.dataset.start), end = Number(slot.dataset.end);
    var p = data.passages.find(function (x) { return x.this_span.start === start && x.this_span.end === end; });
    if (!p) return;
    var table = document.createElement("table");
    table.className = "sbs";
    var head = table.createTHead().insertRow();
    [slot.dataset.left, slot.dataset.b].forEach(function (t) {
      var th = document.createElement("th"); th.textContent = t; head.appendChild(th);
    });
    var body = table.createTBody(), row = [], width = [0, 0];
    function flush() {
      if (!row.length) return;
      var tr = body.insertRow(); tr.appendChild(cell(row, "this")); tr.appendChild(cell(row, "other"));
      row = []; width = [0, 0];
    }
    p.alignment.forEach(function (op) {  // rows of about 40 characters a side, as on the server
      var wa = op.this ? op.this.length + 1 : 0, wb = op.other ? op.other.length + 1 : 0;
      if (row.length && (width[0] + wa > 40 || width[1] + wb > 40)) flush();
      row.push(op); width[0] += wa; width[1] += wb;
    });
    flush();
    slot.replaceChildren(table);
  }).catch(function () { delete slot.dataset.loaded; });
}

function open(number) {
  var passage = document.getElementById("passage-" + number);
  if (!passage) return false;
  document.querySelectorAll(".passage.open").forEach(function (p) { p.classList.remove("open"); });
  document.querySelectorAll("a.passage-link.active").forEach(function (a) { a.classList.remove("active"); });
  passage.classList.add("open");
  document.querySelectorAll("#text a.passage-link[data-passage='" + number + "']")
    .forEach(function (a) { a.classList.add("active"); });
  passage.querySelectorAll(".sbs-slot").forEach(sideBySide);
  var aside = passage.closest(".passages");
  if (aside) aside.scrollTop = 0;
  var box = passage.getBoundingClientRect();
  if (box.top < 0 || box.top > window.innerHeight) passage.scrollIntoView();
  history.replaceState(null, "", "#passage-" + number);
  return true;
}

document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a.passage-link") : null;
  if (link && open(link.dataset.passage)) event.preventDefault();
});

var match = /^#passage-(\d+)$/.exec(location.hash);
if (match) open(match[1]);
