/** Stage commands reachable from keyboard shortcuts; the mounted viewer registers its own. */
export interface StageActions {
  fit(): void;
  accept(): void;
  reject(): void;
}

let current: StageActions | null = null;

/** Registers the viewer on screen; returns the function that unregisters it. */
export function registerStageActions(actions: StageActions): () => void {
  current = actions;
  return () => {
    if (current === actions) current = null;
  };
}

export function stageActions(): StageActions | null {
  return current;
}
