import { onBeforeUnmount, onMounted } from 'vue';
import { useEditorStore } from '../stores/editor';
import { useWorkbenchStore } from '../stores/workbench';
import { useViewerStore } from '../stores/viewer';
import { shortcutFor, type ShortcutAction } from './shortcuts';
import { stageActions } from './stage-actions';

/** Runs a shortcut's action against the stores (the same calls the buttons make). */
export function runShortcut(action: ShortcutAction): void {
  const editor = useEditorStore();
  const workbench = useWorkbenchStore();
  const stage = stageActions();
  switch (action) {
    case 'brush': editor.tool = 'brush'; break;
    case 'eraser': editor.tool = 'eraser'; break;
    case 'lasso': editor.tool = 'lasso-fill'; break;
    case 'lasso-erase': editor.tool = 'lasso-erase'; break;
    case 'fill': editor.tool = 'flood-fill'; break;
    case 'smart-brush': editor.tool = 'smart-brush'; break;
    case 'size-down': editor.resizeBrush(1 / 1.25); break;
    case 'size-up': editor.resizeBrush(1.25); break;
    case 'undo': editor.undo(); break;
    case 'redo': editor.redo(); break;
    case 'save': void editor.save({ quiet: false }); break;
    case 'approve': void editor.approve(); break;
    case 'next': void workbench.next(); break;
    case 'previous': void workbench.previous(); break;
    case 'predict': void workbench.predictCurrent(); break;
    case 'label-right': editor.setLabel(1); break;
    case 'label-left': editor.setLabel(2); break;
    case 'toggle-overlay': editor.toggleOverlay(); break;
    case 'toggle-info': { const viewer = useViewerStore(); viewer.showInfo = !viewer.showInfo; break; }
    case 'ruler': editor.tool = 'ruler'; break;
    case 'help': workbench.helpOpen = !workbench.helpOpen; break;
    case 'fit': stage?.fit(); break;
    case 'accept': stage?.accept(); break;
    case 'reject': if (workbench.helpOpen) workbench.helpOpen = false; else stage?.reject(); break;
  }
}

/** Listens to the keyboard for the whole window while the app is mounted. */
export function useShortcuts(): void {
  const onKey = (event: KeyboardEvent) => {
    const action = shortcutFor(event);
    if (!action) return;
    event.preventDefault();
    runShortcut(action);
  };
  onMounted(() => window.addEventListener('keydown', onKey));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey));
}
