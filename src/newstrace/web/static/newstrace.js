// Article pages work without this script (passages open through #passage-N links and
// :target). With it, a click shows the passage beside the text without jumping away.
document.documentElement.classList.add("js");
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a.passage-link") : null;
  if (!link) return;
  var passage = document.getElementById("passage-" + link.dataset.passage);
  if (!passage) return;
  event.preventDefault();
  document.querySelectorAll(".passage.open").forEach(function (p) { p.classList.remove("open"); });
  document.querySelectorAll("a.passage-link.active").forEach(function (a) { a.classList.remove("active"); });
  passage.classList.add("open");
  document.querySelectorAll("a.passage-link[data-passage='" + link.dataset.passage + "']")
    .forEach(function (a) { a.classList.add("active"); });
  var aside = passage.closest(".passages");
  if (aside) { aside.scrollTop = 0; }
  var box = passage.getBoundingClientRect();
  if (box.top < 0 || box.top > window.innerHeight) { passage.scrollIntoView(); }
  history.replaceState(null, "", "#passage-" + link.dataset.passage);
});
