// gridstack interop for the DashboardGrid Razor component (Components/Dashboards/DashboardGrid.razor).
// Blazor owns the widget elements (div.grid-stack-item[gs-id]); gridstack only positions them. After each render
// .NET calls sync() with its layout: new elements become widgets, elements Blazor removed leave the engine, and
// positions are set to .NET's. User drags and resizes come back through OnGridChanged (every widget's x, y, w, h);
// a palette item dropped on the grid comes back through OnPaletteDrop (kind and where), and its temporary clone is
// removed, since the widget appears when .NET renders it. On narrow screens the grid shows one column (widgets
// stacked in reading order) and cannot be edited, so the 12-column layout is never overwritten from a phone.

const base = new URL('../lib/gridstack/', import.meta.url).href;
let loading = null;

/** Loads gridstack (script and stylesheet) once. */
export function ensureGridstack() {
  if (window.GridStack) return Promise.resolve(window.GridStack);
  if (!loading) {
    if (!document.querySelector('link[data-gridstack]')) {
      const css = document.createElement('link');
      css.rel = 'stylesheet';
      css.href = base + 'gridstack.min.css';
      css.dataset.gridstack = '';
      document.head.appendChild(css);
    }
    loading = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = base + 'gridstack-all.js';
      script.async = true;
      script.onload = () => resolve(window.GridStack);
      script.onerror = () => { loading = null; reject(new Error('Could not load gridstack')); };
      document.head.appendChild(script);
    });
  }
  return loading;
}

const grids = new Map();
let nextId = 1;

function sweep() {
  for (const [id, entry] of grids) if (!entry.el.isConnected) dispose(id);
}

function positions(entry) {
  return entry.grid.engine.nodes
    .filter(n => n.id)
    .map(n => ({ id: String(n.id), x: n.x, y: n.y, w: n.w, h: n.h }));
}

function isNarrow(entry) {
  return entry.grid.getColumn() !== entry.columns;
}

function applyMode(entry) {
  const editable = entry.editable && !isNarrow(entry);
  entry.grid.setStatic(!editable);
  entry.el.classList.toggle('grid-edit', editable);
  entry.el.classList.toggle('grid-view', !editable);
}

/**
 * Makes el a grid. options: { columns (12), cellHeight (px), margin (px), editable, narrowWidth (px: one column at or
 * below), paletteSelector }. dotnet receives OnGridChanged(positions) and OnPaletteDrop(drop). Returns the grid id.
 */
export async function create(el, dotnet, options) {
  const GridStack = await ensureGridstack();
  sweep();
  const columns = options?.columns ?? 12;
  const entry = { el, dotnet, columns, editable: !!options?.editable, syncing: false, dropping: false, grid: null, palette: options?.paletteSelector ?? null };
  const grid = GridStack.init({
    column: columns,
    cellHeight: options?.cellHeight ?? 80,
    margin: options?.margin ?? 6,
    float: false,
    // An empty builder grid still needs rows to drop the first widget on.
    minRow: options?.minRow ?? 0,
    animate: true,
    staticGrid: true,
    acceptWidgets: candidate => !!entry.palette && candidate.matches(entry.palette),
    // By the window's width, not the grid's: the builder's side panels narrow the grid without making it a phone.
    columnOpts: { breakpointForWindow: true, breakpoints: [{ w: options?.narrowWidth ?? 640, c: 1 }], layout: 'list' },
    resizable: { handles: 'se,e,s' },
    draggable: { cancel: 'input,textarea,button,select,option,a,.no-drag' },
  }, el);
  entry.grid = grid;
  const id = nextId++;
  grids.set(id, entry);

  // A palette drop fires 'added' (the clone, no id yet), then 'change' (widgets it pushed), then 'dropped'. The drop is
  // reported once, as a drop: .NET places the new widget and pushes the others itself, then sync() shows that.
  grid.on('added', (_event, nodes) => {
    if (!entry.syncing && nodes?.some(n => !n.id)) entry.dropping = true;
  });
  grid.on('change', (_event, nodes) => {
    // Our own sync, a palette drop in progress, or a re-layout for a narrow screen: not a move by the user.
    if (entry.syncing || entry.dropping || isNarrow(entry) || !entry.editable) return;
    if (nodes?.some(n => !n.id)) return;
    entry.dotnet?.invokeMethodAsync('OnGridChanged', positions(entry)).catch(() => { });
  });
  grid.on('dropped', (_event, _previous, node) => {
    const dropped = node?.el;
    const kind = dropped?.dataset?.kind;
    const drop = { kind: kind ?? '', x: node.x, y: node.y, w: node.w, h: node.h };
    entry.dropping = false;
    entry.syncing = true;
    try {
      if (dropped) grid.removeWidget(dropped, true, false); // .NET renders the real widget
    } finally {
      entry.syncing = false;
    }
    if (kind) entry.dotnet?.invokeMethodAsync('OnPaletteDropped', drop).catch(() => { });
  });
  grid.on('resizestop', (_event, itemEl) => {
    // Charts inside follow their own ResizeObserver; tell anything else listening.
    itemEl.dispatchEvent(new CustomEvent('widgetresized', { bubbles: true }));
  });
  // One column ↔ twelve: editing is only offered with all columns.
  entry.resizeObserver = new ResizeObserver(() => applyMode(entry));
  entry.resizeObserver.observe(el);

  if (entry.palette) GridStack.setupDragIn(entry.palette, { appendTo: 'body', helper: 'clone' });
  el.dataset.gridId = String(id);
  return id;
}

/**
 * Brings the grid in line with .NET's layout after a render: layout is [{ id, x, y, w, h, minW, minH }].
 * Returns the positions the grid ends up with (gridstack may have compacted further).
 */
export function sync(id, layout, editable) {
  const entry = grids.get(id);
  if (!entry) return [];
  const grid = entry.grid;
  entry.editable = !!editable;
  entry.syncing = true;
  try {
    grid.batchUpdate();
    // Elements Blazor removed.
    for (const node of [...grid.engine.nodes]) {
      if (!node.el) grid.engine.removeNode(node, false, false);
      else if (node.el.parentElement !== entry.el) grid.removeWidget(node.el, false, false);
    }
    const wanted = new Map((layout ?? []).map(item => [String(item.id), item]));
    for (const el of entry.el.querySelectorAll(':scope > .grid-stack-item[gs-id]')) {
      const item = wanted.get(el.getAttribute('gs-id'));
      if (!el.gridstackNode) {
        grid.makeWidget(el, item ? { id: String(item.id), x: item.x, y: item.y, w: item.w, h: item.h, minW: item.minW ?? undefined, minH: item.minH ?? undefined } : undefined);
        continue;
      }
      const n = el.gridstackNode;
      if (item && !isNarrow(entry) && (n.x !== item.x || n.y !== item.y || n.w !== item.w || n.h !== item.h || (n.minW ?? null) !== (item.minW ?? null) || (n.minH ?? null) !== (item.minH ?? null))) {
        grid.update(el, { x: item.x, y: item.y, w: item.w, h: item.h, minW: item.minW ?? undefined, minH: item.minH ?? undefined });
      }
    }
    grid.batchUpdate(false);
  } finally {
    entry.syncing = false;
  }
  applyMode(entry);
  if (entry.palette && window.GridStack) window.GridStack.setupDragIn(entry.palette, { appendTo: 'body', helper: 'clone' });
  return positions(entry);
}

export function setEditable(id, editable) {
  const entry = grids.get(id);
  if (!entry) return;
  entry.editable = !!editable;
  applyMode(entry);
}

/** The grid's current column count (12, or 1 on a narrow screen). */
export function columnCount(id) {
  return grids.get(id)?.grid.getColumn() ?? 0;
}

export function layout(id) {
  const entry = grids.get(id);
  return entry ? positions(entry) : [];
}

export function dispose(id) {
  const entry = grids.get(id);
  if (!entry) return false;
  grids.delete(id);
  entry.resizeObserver?.disconnect();
  entry.dotnet = null;
  try {
    entry.grid.offAll?.();
    entry.grid.destroy(false); // Blazor owns (and removes) the elements
  } catch { /* already torn down */ }
  return true;
}

export function count() {
  sweep();
  return grids.size;
}
