// Dashboard page helpers: lazy loading of widgets as they scroll into view (IntersectionObserver), one observer per page.
const observers = new Map();
let nextId = 1;

/** Calls dotnetRef.OnVisible() once, when the element comes within 200px of the viewport. Returns an id for unobserve. */
export function observeVisible(element, dotnetRef) {
  if (!element) return 0;
  const id = nextId++;
  if (!('IntersectionObserver' in window)) {
    dotnetRef.invokeMethodAsync('OnVisible');
    return id;
  }
  const observer = new IntersectionObserver((entries) => {
    if (entries.some(e => e.isIntersecting)) {
      observer.disconnect();
      observers.delete(id);
      dotnetRef.invokeMethodAsync('OnVisible').catch(() => { });
    }
  }, { rootMargin: '200px' });
  observer.observe(element);
  observers.set(id, observer);
  return id;
}

export function unobserve(id) {
  const observer = observers.get(id);
  if (observer) {
    observer.disconnect();
    observers.delete(id);
  }
}

/** Saves a data URL (a chart's PNG) as a file. */
export function download(dataUrl, fileName) {
  const a = document.createElement('a');
  a.href = dataUrl;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Editor shortcuts: Ctrl/Cmd+Z undo, Ctrl/Cmd+Shift+Z or Ctrl/Cmd+Y redo, Ctrl/Cmd+S save. Not while typing in a text field (the field's own undo wins). */
export function bindShortcuts(dotnetRef) {
  const handler = (e) => {
    if (!(e.ctrlKey || e.metaKey)) return;
    const key = e.key.toLowerCase();
    const typing = e.target && (e.target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(e.target.tagName));
    let action = null;
    if (key === 's') action = 'save';
    else if (!typing && key === 'z') action = e.shiftKey ? 'redo' : 'undo';
    else if (!typing && key === 'y') action = 'redo';
    if (!action) return;
    e.preventDefault();
    dotnetRef.invokeMethodAsync('OnShortcut', action).catch(() => { });
  };
  document.addEventListener('keydown', handler);
  return { dispose: () => document.removeEventListener('keydown', handler) };
}

/** Focuses the first item of the menu that just opened (a tile's download menu opened from the keyboard). */
export function focusOpenMenu() {
  const focus = () => document.querySelector('.mud-popover-open .mud-menu-item, .mud-popover-open [role=menuitem]')?.focus();
  requestAnimationFrame(focus);
}
