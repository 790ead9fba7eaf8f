// The colour scheme the layout chose (light or dark), on <html data-theme>, for CSS and for charts: charts.js draws
// with ECharts' dark theme when it is dark, and redraws live charts when it changes.
window.analyticsTheme = {
  set(theme) {
    const next = theme === 'dark' ? 'dark' : 'light';
    if (document.documentElement.dataset.theme === next) return;
    document.documentElement.dataset.theme = next;
    document.dispatchEvent(new CustomEvent('analytics:themechange', { detail: next }));
  },
};
