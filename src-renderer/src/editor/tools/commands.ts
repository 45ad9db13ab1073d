import type { LabelMask } from '../../../../src-shared/api/masks';
import { keepLargestComponents, removeIslands } from '../../../../src-shared/mask/components';
import { diffRect, mergeDiffs, type MaskDiff } from '../../../../src-shared/mask/diff';
import { applyBinaryOp, clearMask, swapLabels } from '../../../../src-shared/mask/edit';
import { fillHoles } from '../../../../src-shared/mask/holes';
import { close, dilate, erode, open, smooth } from '../../../../src-shared/mask/morphology';
import type { ToolContext } from './types';

/** One-shot edits offered as buttons and menu items; each is one undo step. */
export type CommandId = 'remove-islands' | 'fill-holes' | 'open' | 'close' | 'smooth' | 'dilate' | 'erode' | 'swap-lungs' | 'clear';

/** A command and its parameters. */
export interface EditorCommand {
  id: CommandId;
  /** Disk radius for open/close/smooth/dilate/erode (default 3 px). */
  radiusPx?: number;
  /** remove-islands: drop pieces smaller than this; when omitted, keep only the largest piece of each lung. */
  minSizePx?: number;
  /** Labels the command works on (default both lungs, 1 and 2). */
  labels?: readonly number[];
}

/** User-visible names for the history ("Undo Fill holes"). */
export const commandNames: Record<CommandId, string> = {
  'remove-islands': 'Remove islands',
  'fill-holes': 'Fill holes',
  open: 'Open',
  close: 'Close',
  smooth: 'Smooth',
  dilate: 'Grow',
  erode: 'Shrink',
  'swap-lungs': 'Swap left/right',
  clear: 'Clear',
};

type BinaryOp = (binary: Uint8Array, widthPx: number, heightPx: number) => Uint8Array;

function binaryOpOf(command: EditorCommand): BinaryOp {
  const radiusPx = command.radiusPx ?? 3;
  switch (command.id) {
    case 'remove-islands': {
      const minSizePx = command.minSizePx;
      return minSizePx === undefined ? (b, w, h) => keepLargestComponents(b, w, h, 1) : (b, w, h) => removeIslands(b, w, h, minSizePx);
    }
    case 'fill-holes': return fillHoles;
    case 'open': return (b, w, h) => open(b, w, h, radiusPx);
    case 'close': return (b, w, h) => close(b, w, h, radiusPx);
    case 'smooth': return (b, w, h) => smooth(b, w, h, radiusPx);
    case 'dilate': return (b, w, h) => dilate(b, w, h, radiusPx);
    case 'erode': return (b, w, h) => erode(b, w, h, radiusPx);
    default: throw new RangeError(`${command.id} is not a per-label operation`);
  }
}

/**
 * Applies a command to the mask in place and returns its diff (null when nothing changed). Per-label
 * operations run on each lung separately and claim only background, so one lung never eats the other.
 */
export function runCommand(mask: LabelMask, command: EditorCommand): MaskDiff | null {
  if (command.id === 'swap-lungs') return swapLabels(mask, 1, 2);
  if (command.id === 'clear') return clearMask(mask);
  const op = binaryOpOf(command);
  const diffs: MaskDiff[] = [];
  for (const label of command.labels ?? [1, 2]) {
    const diff = applyBinaryOp(mask, label, op);
    if (diff) diffs.push(diff);
  }
  return diffs.length <= 1 ? (diffs[0] ?? null) : mergeDiffs(mask, diffs);
}

/** Runs a command, redraws what it changed and records it as one undo step. Returns whether anything changed. */
export function executeCommand(ctx: Pick<ToolContext, 'mask' | 'commit' | 'dirty'>, command: EditorCommand): boolean {
  const diff = runCommand(ctx.mask, command);
  if (!diff) return false;
  ctx.dirty(diffRect(diff));
  ctx.commit(diff, commandNames[command.id]);
  return true;
}
