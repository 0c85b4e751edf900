// SPDX-License-Identifier: Apache-2.0
// DOM building without innerHTML: everything that can come from the network (numbers, nicknames,
// remarks, error messages) is set as textContent, so a caller's `<img onerror=…>` stays text.
type Attrs = Record<string, string | boolean | number | undefined>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

/** Shows or hides an element (the `hidden` attribute; the style sheet keeps it hidden). */
export function show(el: HTMLElement, on: boolean): void {
  el.hidden = !on;
}

/** mm:ss (or h:mm:ss) of a duration in ms. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  const hh = Math.floor(s / 3600);
  return (hh ? `${hh}:` : '') + `${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}
