// On a phone the menu is one row that scrolls sideways: the current page's item is brought into view, and each
// edge that hides items fades (a walk-through found «Вопрос» and «Документы» off the left edge with nothing
// saying so).
(function () {
  const nav = document.querySelector("header.top nav");
  if (!nav) return;
  const on = nav.querySelector("a.on");
  if (on && nav.scrollWidth > nav.clientWidth) nav.scrollLeft = on.offsetLeft - nav.offsetLeft - 16;
  function edges() {
    const more = nav.scrollWidth - nav.clientWidth;
    nav.classList.toggle("more-left", more > 1 && nav.scrollLeft > 1);
    nav.classList.toggle("more-right", more > 1 && nav.scrollLeft < more - 1);
  }
  edges();
  nav.addEventListener("scroll", edges, { passive: true });
  window.addEventListener("resize", edges);
})();
