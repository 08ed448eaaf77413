// Menu buttons (button[aria-haspopup][aria-controls]): a click opens or
// closes the popup the button controls, keeping aria-expanded and the
// popup's hidden attribute in step; Escape closes the popup that has the
// focus and gives it back to its button; the arrow keys move through a
// menu's items. A menu opened from the keyboard focuses its first item.
(() => {
  const OPENER = 'button[aria-haspopup][aria-controls]';
  const popupOf = (b) => document.getElementById(b.getAttribute('aria-controls'));
  const show = (b, open) => {
    const popup = popupOf(b);
    if (!popup) return null;
    b.setAttribute('aria-expanded', String(open));
    popup.hidden = !open;
    return popup;
  };
  document.addEventListener('click', (e) => {
    const b = e.target.closest(OPENER);
    if (!b) return;
    const open = b.getAttribute('aria-expanded') !== 'true';
    const popup = show(b, open);
    const first = popup && popup.querySelector('[role=menuitem]');
    if (open && first && e.detail === 0) first.focus();
  });
  document.addEventListener('keydown', (e) => {
    const here = document.activeElement;
    if (e.key === 'Escape') {
      for (const b of document.querySelectorAll(OPENER + '[aria-expanded=true]')) {
        const popup = popupOf(b);
        if (b === here || (popup && popup.contains(here))) {
          show(b, false);
          b.focus();
          e.preventDefault();
        }
      }
      return;
    }
    const menu = here && here.closest('[role=menu]');
    if (!menu || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) return;
    const items = Array.from(menu.querySelectorAll('[role=menuitem]'));
    const step = e.key === 'ArrowDown' ? 1 : items.length - 1;
    items[(items.indexOf(here) + step) % items.length].focus();
    e.preventDefault();
  });
})();
