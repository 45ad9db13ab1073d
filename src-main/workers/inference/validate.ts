import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';
import type { ModelManifest } from '../../../src-shared/ml/manifest';

/** Shape and type of one model input or output, as ONNX Runtime reports it (empty shape: unknown). */
export interface ValueInfo {
  name: string;
  isTensor: boolean;
  type?: string;
  shape: ReadonlyArray<number | string>;
}

/** The input and output a model will be fed and read through, and whether its batch size is free. */
export interface ModelBinding {
  inputName: string;
  outputName: string;
  /** Fixed batch size from the model (usually 1), or null when the batch dimension is symbolic. */
  fixedBatch: number | null;
}

const describe = (shape: ReadonlyArray<number | string>): string => `[${shape.map(String).join(', ')}]`;

function pick(values: ValueInfo[], wanted: string | undefined, what: 'input' | 'output'): ValueInfo {
  if (values.length === 0) throw new Error(`the model has no ${what}`);
  if (!wanted) return values[0];
  const found = values.find((v) => v.name === wanted);
  if (!found) throw new Error(`the manifest names ${what} '${wanted}', the model has ${values.map((v) => `'${v.name}'`).join(', ')}`);
  return found;
}

/** Checks one dimension: symbolic dimensions accept anything, numeric ones must equal `expected`. */
function checkDim(problems: string[], value: ValueInfo, index: number, expected: number, label: string, manifestSays: string): void {
  const actual = value.shape[index];
  if (typeof actual === 'number' && actual > 0 && actual !== expected) {
    problems.push(`${label} of '${value.name}' is ${actual} (shape ${describe(value.shape)}), the manifest says ${manifestSays}`);
  }
}

/**
 * Compares a model's inputs and outputs with its manifest: names, float32 tensors, rank 4 input, channel
 * count and static size in the manifest's layout, output rank 3 or 4 with one channel per class and the
 * input's size. Symbolic dimensions pass (a dry run checks them afterwards).
 * @throws PleuraError('invalid-argument') listing every mismatch, prefixed by `modelLabel`.
 */
export function bindModel(inputs: ValueInfo[], outputs: ValueInfo[], manifest: ModelManifest, modelLabel: string): ModelBinding {
  const fail = (problems: string[]): never => {
    throw new PleuraError('invalid-argument', say('model.manifestMismatch', { model: modelLabel, detail: problems.join('; ') }));
  };
  let input: ValueInfo;
  let output: ValueInfo;
  try {
    input = pick(inputs, manifest.input.name, 'input');
    output = pick(outputs, manifest.output.name, 'output');
  } catch (error) {
    return fail([(error as Error).message]);
  }
  const problems: string[] = [];
  for (const value of [input, output]) {
    if (!value.isTensor) problems.push(`'${value.name}' is not a tensor`);
    else if (value.type && value.type !== 'float32') problems.push(`'${value.name}' is ${value.type}; Pleura feeds and reads float32`);
  }
  const { widthPx, heightPx, channels, layout } = manifest.input;
  const nchw = layout === 'NCHW';
  if (input.shape.length > 0 && input.shape.length !== 4) {
    problems.push(`input '${input.name}' has rank ${input.shape.length} (shape ${describe(input.shape)}); a ${layout} image input has rank 4`);
  } else if (input.shape.length === 4) {
    checkDim(problems, input, nchw ? 1 : 3, channels, 'channel count', `${channels} (${layout})`);
    checkDim(problems, input, nchw ? 2 : 1, heightPx, 'input height', `${heightPx} px`);
    checkDim(problems, input, nchw ? 3 : 2, widthPx, 'input width', `${widthPx} px`);
  }
  const classes = manifest.output.classes.length;
  const outputNchw = manifest.output.layout === 'NCHW';
  if (output.shape.length === 4) {
    checkDim(problems, output, outputNchw ? 1 : 3, classes, 'output channel count', `${classes} class(es) (${manifest.output.layout})`);
    checkDim(problems, output, outputNchw ? 2 : 1, heightPx, 'output height', `${heightPx} px (the input size)`);
    checkDim(problems, output, outputNchw ? 3 : 2, widthPx, 'output width', `${widthPx} px (the input size)`);
  } else if (output.shape.length === 3) {
    if (classes !== 1) problems.push(`output '${output.name}' has rank 3 (one class), the manifest lists ${classes} classes`);
    checkDim(problems, output, 1, heightPx, 'output height', `${heightPx} px`);
    checkDim(problems, output, 2, widthPx, 'output width', `${widthPx} px`);
  } else if (output.shape.length > 0) {
    problems.push(`output '${output.name}' has rank ${output.shape.length} (shape ${describe(output.shape)}); expected 3 or 4`);
  }
  if (problems.length > 0) fail(problems);
  const batch = input.shape[0];
  return { inputName: input.name, outputName: output.name, fixedBatch: typeof batch === 'number' && batch > 0 ? batch : null };
}
