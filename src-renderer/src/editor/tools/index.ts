import { createBrush, createEraser, createSmartBrush } from './brush';
import { createFloodFill } from './flood';
import { createLassoErase, createLassoFill } from './lasso';
import { createRuler } from './ruler';
import type { EditorTool, ToolId } from './types';

export * from './types';
export { BrushTool, createBrush, createEraser, createSmartBrush, seedGrey } from './brush';
export { LassoTool, createLassoFill, createLassoErase } from './lasso';
export { FloodFillTool, createFloodFill, backgroundFillLeaks, maxBackgroundFillShare } from './flood';
export * from './commands';
export { RulerTool, createRuler, measureDistance } from './ruler';

/** A fresh instance of every tool, keyed by id (tools keep gesture state, so each editor gets its own). */
export function createTools(): Record<ToolId, EditorTool> {
  return {
    brush: createBrush(),
    eraser: createEraser(),
    'smart-brush': createSmartBrush(),
    'lasso-fill': createLassoFill(),
    'lasso-erase': createLassoErase(),
    'flood-fill': createFloodFill(),
    ruler: createRuler(),
  };
}
