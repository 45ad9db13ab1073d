/** Every keyboard action of the workstation; the help overlay lists them from this table. */
export type ShortcutAction =
  | 'brush' | 'eraser' | 'lasso' | 'lasso-erase' | 'fill' | 'smart-brush'
  | 'size-down' | 'size-up' | 'undo' | 'redo' | 'save'
  | 'approve' | 'next' | 'previous' | 'predict' | 'label-right' | 'label-left'
  | 'toggle-overlay' | 'toggle-info' | 'ruler' | 'help' | 'accept' | 'reject' | 'fit';

export interface Shortcut {
  action: ShortcutAction;
  /** How the key is shown in the help overlay. */
  keys: string;
}

/** The table shown by "?" (Space-drag pan and right-drag window are pointer gestures, listed too). */
export const shortcuts: Shortcut[] = [
  { action: 'brush', keys: 'B' },
  { action: 'eraser', keys: 'E' },
  { action: 'lasso', keys: 'L' },
  { action: 'lasso-erase', keys: 'Shift+L' },
  { action: 'fill', keys: 'F' },
  { action: 'smart-brush', keys: 'S' },
  { action: 'size-down', keys: '[' },
  { action: 'size-up', keys: ']' },
  { action: 'undo', keys: 'Ctrl+Z' },
  { action: 'redo', keys: 'Ctrl+Shift+Z / Ctrl+Y' },
  { action: 'save', keys: 'Ctrl+S' },
  { action: 'approve', keys: 'A' },
  { action: 'next', keys: 'N' },
  { action: 'previous', keys: 'Shift+N' },
  { action: 'predict', keys: 'P' },
  { action: 'label-right', keys: '1' },
  { action: 'label-left', keys: '2' },
  { action: 'toggle-overlay', keys: 'O' },
  { action: 'toggle-info', keys: 'I' },
  { action: 'ruler', keys: 'M' },
  { action: 'fit', keys: 'Home' },
  { action: 'accept', keys: 'Enter' },
  { action: 'reject', keys: 'Esc' },
  { action: 'help', keys: '?' },
];

/** The action a key press asks for, or null. Keys typed into form fields are never shortcuts. */
export function shortcutFor(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'> & { target?: EventTarget | null }): ShortcutAction | null {
  const target = event.target as { tagName?: string; isContentEditable?: boolean } | null | undefined;
  if (target && (['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName ?? '') || target.isContentEditable)) return null;
  if (event.altKey) return null;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (event.ctrlKey || event.metaKey) {
    if (key === 'z') return event.shiftKey ? 'redo' : 'undo';
    if (key === 'y') return 'redo';
    if (key === 's') return 'save';
    return null;
  }
  switch (key) {
    case 'b': return 'brush';
    case 'e': return 'eraser';
    case 'l': return event.shiftKey ? 'lasso-erase' : 'lasso';
    case 'f': return 'fill';
    case 's': return 'smart-brush';
    case '[': return 'size-down';
    case ']': return 'size-up';
    case 'a': return 'approve';
    case 'n': return event.shiftKey ? 'previous' : 'next';
    case 'p': return 'predict';
    case '1': return 'label-right';
    case '2': return 'label-left';
    case 'o': return 'toggle-overlay';
    case 'i': return 'toggle-info';
    case 'm': return 'ruler';
    case '?': return 'help';
    case 'Home': return 'fit';
    case 'Enter': return 'accept';
    case 'Escape': return 'reject';
    default: return null;
  }
}
