// A ToolContext over an ASCII mask that records commits and dirty rectangles, for driving tools with
// synthetic pointer sequences.
import type { MaskDiff } from '../../../../src-shared/mask/diff';
import type { PixelRect } from '../../../../src-shared/mask/types';
import type { EditorTool, ToolContext, ToolImage } from '../../../../src-renderer/src/editor/tools/types';
import { EditHistory } from '../../../../src-renderer/src/editor/history';
import { formatMask, parseMask } from '../../../helpers/ascii-mask';

export interface Harness {
  ctx: ToolContext;
  history: EditHistory;
  commits: { diff: MaskDiff; label: string }[];
  dirty: PixelRect[];
  show(): string;
}

export function harness(text: string, overrides: Partial<Omit<ToolContext, 'mask' | 'commit' | 'dirty'>> & { image?: ToolImage | null } = {}): Harness {
  const mask = parseMask(text);
  const history = new EditHistory();
  const commits: Harness['commits'] = [];
  const dirty: PixelRect[] = [];
  const ctx: ToolContext = {
    mask,
    image: null,
    activeLabel: 1,
    brushRadiusPx: 1,
    smartToleranceGrey: 10,
    protectOtherLabels: false,
    ...overrides,
    commit(diff, label) {
      commits.push({ diff, label });
      history.push(diff, label);
    },
    dirty(rect) {
      dirty.push(rect);
    },
  };
  return { ctx, history, commits, dirty, show: () => formatMask(mask.data, mask.widthPx, mask.heightPx) };
}

/** Presses at the first point, moves through the rest and releases at the last. */
export function drag(tool: EditorTool, ctx: ToolContext, points: [number, number][]): void {
  const [first, ...rest] = points;
  tool.onPointerDown({ x: first[0], y: first[1], button: 0 }, ctx);
  for (const [x, y] of rest) tool.onPointerMove({ x, y, button: 0 }, ctx);
  const last = points[points.length - 1];
  tool.onPointerUp({ x: last[0], y: last[1], button: 0 }, ctx);
}
