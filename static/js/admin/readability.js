/*
 * Live readability score under lay summaries and story intros (ReadabilityPanel).
 *
 * The panel renders the score of the saved text; this script asks the server
 * for a new one (portfolio.base.readability_panel.readability_view) a moment
 * after the editor stops typing, and swaps it in. The scoring stays on the
 * server so that there is one implementation, with its tests.
 */
(() => {
  const DELAY_MS = 700;

  function fieldText(field) {
    // Rich text: Draftail keeps JSON in a hidden input; read what the editor shows.
    const wrapper = field.closest('[data-field-input]') || field.parentElement;
    const editable = wrapper && wrapper.querySelector('[contenteditable="true"]');
    return editable ? editable.innerText : field.value;
  }

  function connect(output) {
    const field = document.getElementById(output.dataset.readabilityFor);
    if (!field) return;
    const wrapper = field.closest('[data-field-input]') || field.parentElement;
    let timer = null;
    let lastText = null;

    async function update() {
      const text = fieldText(field);
      if (text === lastText) return;
      lastText = text;
      const config =
        window.wagtailConfig ||
        JSON.parse((document.getElementById('wagtail-config') || {}).textContent || '{}');
      const body = new FormData();
      body.append('text', text);
      try {
        const response = await fetch(output.dataset.readabilityUrl, {
          method: 'POST',
          body,
          credentials: 'same-origin',
          headers: { [config.CSRF_HEADER_NAME || 'X-CSRFToken']: config.CSRF_TOKEN || '' },
        });
        if (response.ok) {
          output.innerHTML = (await response.json()).html;
        }
      } catch (error) {
        // Offline or signed out: keep the last score rather than show an error mid-sentence.
      }
    }

    const schedule = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, DELAY_MS);
    };
    ['input', 'keyup', 'paste', 'cut', 'drop', 'change'].forEach((name) =>
      wrapper.addEventListener(name, schedule),
    );
  }

  function init() {
    document.querySelectorAll('[data-readability-url]').forEach(connect);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
