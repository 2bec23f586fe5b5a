import { escapeControls } from '../core/escape-controls.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text from logs (agent ids, resources, summaries) as HTML or SVG text or attribute value:
 * nothing in it can open a tag, close an attribute or start an entity. Controls and bidi
 * overrides are shown as escapes too: a right-to-left override would make an agent id or a
 * resource read as something else in the page (and a copy of it would not be what it shows).
 */
export function escapeHtml(value: unknown): string {
  return escapeControls(String(value)).replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}
