// The colour scheme the layout chose (light or dark), on <html data-theme>, for CSS and for charts: charts.js draws
// with ECharts' dark theme when it is dark, and redraws live charts when it changes.
window.analyticsTheme = {
  // The page is served in the scheme last applied here (the cookie below); charts drawn before the layout says which
  // scheme it chose are only redrawn when that changes something.
  set(theme) {
    const next = theme === 'dark' ? 'dark' : 'light';
    const current = document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
    if (document.documentElement.dataset.theme !== next) document.documentElement.dataset.theme = next;
    // The server serves the next page in this scheme (App.razor reads it): no light flash before a dark page.
    document.cookie = `analytics-theme=${next}; path=/; max-age=31536000; SameSite=Lax${location.protocol === 'https:' ? '; Secure' : ''}`;
    if (current !== next) document.dispatchEvent(new CustomEvent('analytics:themechange', { detail: next }));
  },
};
