// SPDX-License-Identifier: Apache-2.0
// Shared style sheet of the UI's shadow roots: the page's CSS cannot reach in, ours cannot leak out.
export const CSS = `
:host { all: initial; font: 14px/1.4 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; color: #1f2329; }
:host([hidden]), [hidden] { display: none !important; }
button, select, input { font: inherit; }
button { cursor: pointer; border: 1px solid #c9cdd4; background: #fff; border-radius: 6px; padding: 4px 10px; color: inherit;
  white-space: nowrap; }
button:hover { background: #f2f3f5; }
/* Text colours meet WCAG AA (4.5:1) on their backgrounds (axe-core in tests/e2e/ui-workbench.e2e.mjs). */
button:disabled { cursor: not-allowed; opacity: .5; }
button.primary { background: #0052d9; border-color: #0052d9; color: #fff; }
button.primary:hover, .float:hover { background: #003cab; }
button.danger { background: #c9353f; border-color: #c9353f; color: #fff; }
button.danger:hover { background: #a82a33; }
button[aria-pressed="true"] { background: #e8f0ff; border-color: #0052d9; }
:focus-visible { outline: 3px solid #ff9f1a; outline-offset: 2px; }
input, select { border: 1px solid #c9cdd4; border-radius: 6px; padding: 4px 6px; min-width: 0; }
.float { position: fixed; right: 24px; bottom: 24px; z-index: 2147483000; border-radius: 24px; padding: 10px 16px;
  background: #0052d9; color: #fff; border: none; box-shadow: 0 4px 12px rgba(0,0,0,.2); }
.dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 6px; background: #a6a6a6; }
.dot.free { background: #2ba471; } .dot.busy { background: #d54941; } .dot.arrange { background: #e37318; }
.dot.rest, .dot.notReady { background: #e37318; }
/* The panel and the alert are placed by the root's dock (index.ts): stacked, never on top of each other. */
.panel { flex: 0 1 auto; min-height: 0; overflow: auto; background: #fff; border-radius: 10px;
  box-shadow: 0 8px 24px rgba(0,0,0,.25); padding: 12px; box-sizing: border-box; }
.alert { margin-bottom: 12px; background: #fff; border-radius: 10px;
  box-shadow: 0 8px 24px rgba(0,0,0,.3); padding: 12px; border-top: 4px solid #0052d9; box-sizing: border-box; }
header { display: flex; align-items: center; justify-content: space-between; gap: 8px; }
h2 { font-size: 16px; margin: 0; } h3 { font-size: 13px; margin: 12px 0 6px; color: #4e5969; }
section { border-top: 1px solid #e5e6eb; margin-top: 10px; padding-top: 6px; }
.row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 4px 0; }
.row.between { justify-content: space-between; flex-wrap: nowrap; }
.muted { color: #646a73; font-size: 12px; }
.error { color: #c9353f; font-size: 12px; }
.notice { color: #b85a0b; font-size: 12px; }
/* Text from people: Latin wraps between words, CJK between characters, and only a run with no
   break opportunity (a long URL or number) is cut where it must be. Never break-all. */
.peer { font-size: 18px; font-weight: 600; overflow-wrap: anywhere; }
.text { overflow-wrap: anywhere; word-break: normal; white-space: pre-wrap; }
/* The call's toggles share a row in equal columns; hang-up spans the row below, a large target that
   stays in one place whatever the language's label widths. */
.call-actions { display: grid; grid-template-columns: repeat(auto-fit, minmax(4.5em, 1fr)); gap: 6px; margin: 6px 0; }
.call-actions button { padding: 4px 2px; white-space: nowrap; }
.call-actions button.danger { grid-column: 1 / -1; padding: 6px 10px; }
.keys { display: grid; grid-template-columns: repeat(3, 1fr); gap: 4px; margin: 4px 0; }
ul { list-style: none; margin: 0; padding: 0; } li { padding: 4px 0; border-bottom: 1px dashed #e5e6eb; }
.timer { font-variant-numeric: tabular-nums; font-weight: 600; }
.quality { font-size: 12px; color: #2ba471; margin-left: auto; white-space: nowrap; }
.quality[data-level="3"], .quality[data-level="4"] { color: #e37318; }
.quality[data-level="5"], .quality[data-level="6"] { color: #d54941; }
.transcript { list-style: none; margin: 6px 0; padding: 6px 8px; max-height: 140px; overflow: auto; background: #f7f8fa;
  border-radius: 6px; font-size: 13px; }
.transcript li { border: none; padding: 2px 0; word-break: break-word; }
.transcript li.partial { color: #646a73; font-style: italic; }
.transcript .who { font-weight: 600; margin-right: 6px; color: #4e5969; }
.transcript li[data-flow="OUT"] .who { color: #0052d9; }
/* The transfer directory (TransferForm, DirectoryList). */
.transfer .search input { flex: 1 1 160px; }
.dir { max-height: 220px; overflow: auto; border: 1px solid #dee0e3; border-radius: 6px; margin: 4px 0; }
.dir:empty { display: none; }
.dir .heading { font-size: 12px; color: #4e5969; padding: 3px 6px; background: #f7f8fa; }
.dir [role=option] { display: flex; align-items: center; gap: 4px; padding: 4px 6px; cursor: pointer;
  border-top: 1px solid #f0f1f3; }
.dir [role=option]:hover { background: #f2f3f5; }
.dir [role=option].active { outline: 2px solid #0052d9; outline-offset: -2px; }
.dir [role=option][aria-selected=true] { background: #e8f0ff; }
.dir [role=option][aria-disabled=true] { cursor: not-allowed; color: #646a73; }
.dir .name { flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere; }
.dir .sub { display: block; font-size: 12px; color: #646a73; }
.dir .st { flex: 0 1 auto; font-size: 12px; text-align: right; }
`;
