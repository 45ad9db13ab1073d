import { ref } from 'vue';
import { executeCommand, type CommandId } from '../../editor/tools';
import { useEditorStore } from '../../stores/editor';
import { useMessagesStore } from '../../stores/messages';

const ids: CommandId[] = ['remove-islands', 'fill-holes', 'smooth', 'open', 'close', 'dilate', 'erode', 'swap-lungs', 'clear'];

/** One-shot mask commands (morphology clean-up, swap lungs, clear), each one undo step. */
export function useCommands() {
  const editor = useEditorStore();
  const messages = useMessagesStore();
  const radiusPx = ref(3);

  function run(id: string): void {
    const session = editor.session;
    if (!session || !ids.includes(id as CommandId)) return;
    const changed = executeCommand(
      { mask: session.mask, commit: (diff, label) => editor.commit(diff, label), dirty: (rect) => editor.redraw(rect) },
      { id: id as CommandId, radiusPx: radiusPx.value },
    );
    if (!changed) messages.push('info', 'commands.noChange', {});
  }

  return { ids, radiusPx, run };
}
