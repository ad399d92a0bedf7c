// On a phone the menu is one row that scrolls sideways: the current page's item is brought into view.
(function () {
  const on = document.querySelector("header.top nav a.on");
  if (!on) return;
  const nav = on.parentElement;
  if (nav.scrollWidth > nav.clientWidth) nav.scrollLeft = on.offsetLeft - nav.offsetLeft - 16;
})();
