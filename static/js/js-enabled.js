// Runs first, before the stylesheet applies: styles written for "js" (e.g. the
// collapsed menu) only apply when scripts run. A file, not an inline script, so
// the Content-Security-Policy can refuse every inline script.
document.documentElement.classList.replace("no-js", "js");
