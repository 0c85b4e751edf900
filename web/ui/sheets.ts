// SPDX-License-Identifier: Apache-2.0
// Styles for the UI's shadow roots as constructed style sheets (adoptedStyleSheets). A <style>
// element is inline CSS, which a page's Content-Security-Policy `style-src 'self'` refuses, leaving
// the workbench unstyled; a constructed sheet is not subject to it. Each text is parsed once and the
// sheet shared by every root that uses it. Browsers without constructed sheets (Safari before 16.4)
// get the <style> element, as before.
const sheets = new Map<string, CSSStyleSheet>();

function constructable(): boolean {
  return (
    typeof CSSStyleSheet === 'function' &&
    'replaceSync' in CSSStyleSheet.prototype &&
    'adoptedStyleSheets' in ShadowRoot.prototype
  );
}

/** Applies `texts`, in order, to `root` (replacing what it adopted before). */
export function adoptStyles(root: ShadowRoot, ...texts: string[]): void {
  if (!constructable()) {
    // One prepend of them all keeps their order (one by one would reverse it, and the cascade).
    root.prepend(
      ...texts.map((text) => {
        const style = document.createElement('style');
        style.textContent = text;
        return style;
      }),
    );
    return;
  }
  root.adoptedStyleSheets = texts.map((text) => {
    let sheet = sheets.get(text);
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(text);
      sheets.set(text, sheet);
    }
    return sheet;
  });
}
