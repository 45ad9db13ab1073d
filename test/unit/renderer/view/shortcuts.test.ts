import { describe, expect, it } from 'vitest';
import { shortcutFor, shortcuts, type ShortcutAction } from '../../../../src-renderer/src/composables/shortcuts';

type Key = { key: string; ctrlKey?: boolean; metaKey?: boolean; shiftKey?: boolean; altKey?: boolean; target?: unknown };
const press = (k: Key) => shortcutFor({ ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...k, target: (k.target ?? null) as EventTarget | null });

describe('keyboard shortcuts', () => {
  it.each<[Key, ShortcutAction | null]>([
    [{ key: 'b' }, 'brush'],
    [{ key: 'B', shiftKey: true }, 'brush'],
    [{ key: 'e' }, 'eraser'],
    [{ key: 'l' }, 'lasso'],
    [{ key: 'L', shiftKey: true }, 'lasso-erase'],
    [{ key: 'f' }, 'fill'],
    [{ key: '[' }, 'size-down'],
    [{ key: ']' }, 'size-up'],
    [{ key: 'z', ctrlKey: true }, 'undo'],
    [{ key: 'Z', ctrlKey: true, shiftKey: true }, 'redo'],
    [{ key: 'z', metaKey: true }, 'undo'],
    [{ key: 'y', ctrlKey: true }, 'redo'],
    [{ key: 'a' }, 'approve'],
    [{ key: 'n' }, 'next'],
    [{ key: 'p' }, 'predict'],
    [{ key: '1' }, 'label-right'],
    [{ key: '2' }, 'label-left'],
    [{ key: 'o' }, 'toggle-overlay'],
    [{ key: '?', shiftKey: true }, 'help'],
    [{ key: 'Escape' }, 'reject'],
    [{ key: 'a', ctrlKey: true }, null],
    [{ key: 'b', altKey: true }, null],
    [{ key: 'x' }, null],
    [{ key: 'b', target: { tagName: 'INPUT' } }, null],
    [{ key: 'n', target: { tagName: 'TEXTAREA' } }, null],
  ])('%o → %s', (key, action) => {
    expect(press(key)).toBe(action);
  });

  it('the help table lists every action exactly once', () => {
    const actions = shortcuts.map((s) => s.action);
    expect(new Set(actions).size).toBe(actions.length);
    for (const required of ['brush', 'eraser', 'lasso', 'fill', 'size-down', 'size-up', 'undo', 'redo', 'approve', 'next', 'predict', 'label-right', 'label-left', 'toggle-overlay', 'help'] as const) {
      expect(actions).toContain(required);
    }
  });
});
