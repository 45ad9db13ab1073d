import * as tf from '@tensorflow/tfjs';
import onnxProto from 'onnx-proto';
import { graphBuilder, type GraphBuilder } from './graph';

const { onnx } = onnxProto;

/** What the exported graph is called inside and how its ends are named. */
export interface OnnxExportOptions {
  /** Graph input name (NCHW float32 [batch, channels, h, w], dynamic batch). Default 'image'. */
  inputName?: string;
  /** Graph output name (NCHW probability). Default 'probability'. */
  outputName?: string;
  /** ONNX opset; 13 or later. Default 13. */
  opset?: number;
  /** Free text stored in the model's doc string. */
  description?: string;
}

type LayerConfig = Record<string, unknown>;

interface LayerContext {
  g: GraphBuilder;
  layer: tf.layers.Layer;
  config: LayerConfig;
  inputs: string[];
  /** Weights of the layer in TF.js order. */
  weights: tf.Tensor[];
  /** NHWC shapes of the (first) input and the output. */
  inputShape: (number | null)[];
  outputShape: (number | null)[];
}

interface GraphNode {
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
}

// The node a layer was built with in its own model; fine-tuning may have applied the layer again
// (decoder-only training), after which `layer.input` / `layer.output` are ambiguous.
function firstNode(layer: tf.layers.Layer): GraphNode {
  return (layer as unknown as { inboundNodes: GraphNode[] }).inboundNodes[0];
}

/** Emits the layer's nodes and returns the name of its output. */
type LayerExporter = (c: LayerContext) => string;

function pair(value: unknown, name: string): [number, number] {
  const v = Array.isArray(value) ? value : [value, value];
  if (typeof v[0] !== 'number' || typeof v[1] !== 'number') throw new Error(`${name}: expected one or two numbers`);
  return [v[0], v[1]];
}

/** Appends the fused activation of a Conv2D / Conv2DTranspose / Dense-like layer. */
function activation(c: LayerContext, input: string): string {
  const name = (c.config.activation as string | undefined) ?? 'linear';
  if (name === 'linear') return input;
  if (name === 'relu') return c.g.node('Relu', [input], { name: `${c.layer.name}_relu` });
  if (name === 'sigmoid') return c.g.node('Sigmoid', [input], { name: `${c.layer.name}_sigmoid` });
  throw new Error(`${c.layer.name}: activation '${name}' has no ONNX export`);
}

function samePads(c: LayerContext, kernel: [number, number], strides: [number, number], dilation: [number, number]): number[] {
  const size = [c.inputShape[1], c.inputShape[2]];
  const begin: number[] = [];
  const end: number[] = [];
  for (let axis = 0; axis < 2; axis++) {
    const extent = (kernel[axis] - 1) * dilation[axis] + 1;
    const inPx = size[axis];
    if (inPx === null || inPx === undefined) throw new Error(`${c.layer.name}: 'same' padding needs a known input size`);
    const outPx = Math.ceil(inPx / strides[axis]);
    const total = Math.max(0, (outPx - 1) * strides[axis] + extent - inPx);
    // TensorFlow puts the odd pixel at the end (ONNX SAME_UPPER); explicit pads say so exactly.
    begin.push(Math.floor(total / 2));
    end.push(total - Math.floor(total / 2));
  }
  return [...begin, ...end];
}

function checkChannelsLast(c: LayerContext): void {
  const format = c.config.dataFormat as string | undefined;
  if (format && format !== 'channelsLast') throw new Error(`${c.layer.name}: only channelsLast layers are exported`);
}

const exporters: Record<string, LayerExporter> = {
  Conv2D(c) {
    checkChannelsLast(c);
    const kernel = pair(c.config.kernelSize, 'kernelSize');
    const strides = pair(c.config.strides ?? 1, 'strides');
    const dilation = pair(c.config.dilationRate ?? 1, 'dilationRate');
    const pads = c.config.padding === 'same' ? samePads(c, kernel, strides, dilation) : [0, 0, 0, 0];
    // TF.js kernel HWIO -> ONNX OIHW.
    const weight = c.g.initializer(`${c.layer.name}_weight`, tf.transpose(c.weights[0], [3, 2, 0, 1]));
    const inputs = [c.inputs[0], weight];
    if (c.config.useBias !== false) inputs.push(c.g.initializer(`${c.layer.name}_bias`, c.weights[1]));
    const out = c.g.node('Conv', inputs, {
      name: c.layer.name,
      attributes: { kernel_shape: kernel, strides, dilations: dilation, pads, group: 1 },
    });
    return activation(c, out);
  },
  Conv2DTranspose(c) {
    checkChannelsLast(c);
    const kernel = pair(c.config.kernelSize, 'kernelSize');
    const strides = pair(c.config.strides ?? 1, 'strides');
    const shape = c.inputShape;
    const outShape = c.outputShape;
    // TF.js transposed-conv kernel [h, w, out, in] -> ONNX [in, out, h, w].
    const weight = c.g.initializer(`${c.layer.name}_weight`, tf.transpose(c.weights[0], [3, 2, 0, 1]));
    const inputs = [c.inputs[0], weight];
    if (c.config.useBias !== false) inputs.push(c.g.initializer(`${c.layer.name}_bias`, c.weights[1]));
    // Explicit pads: total = (in - 1) * stride + kernel - out, the odd pixel at the end as TensorFlow does.
    const pads: number[] = [0, 0, 0, 0];
    for (let axis = 0; axis < 2; axis++) {
      const total = ((shape[axis + 1] as number) - 1) * strides[axis] + kernel[axis] - (outShape[axis + 1] as number);
      if (total < 0) throw new Error(`${c.layer.name}: output larger than the transposed conv covers`);
      pads[axis] = Math.floor(total / 2);
      pads[axis + 2] = total - Math.floor(total / 2);
    }
    const out = c.g.node('ConvTranspose', inputs, { name: c.layer.name, attributes: { kernel_shape: kernel, strides, pads } });
    return activation(c, out);
  },
  BatchNormalization(c) {
    const axis = c.config.axis as number;
    if (axis !== -1 && axis !== 3) throw new Error(`${c.layer.name}: batch norm over axis ${axis} is not exported`);
    const channels = c.inputShape[3] as number;
    let index = 0;
    const take = (present: unknown, fill: number) => (present !== false ? c.weights[index++] : tf.fill([channels], fill));
    const gamma = take(c.config.scale, 1);
    const beta = take(c.config.center, 0);
    const mean = c.weights[index++];
    const variance = c.weights[index++];
    const names = [gamma, beta, mean, variance].map((t, i) => c.g.initializer(`${c.layer.name}_${['scale', 'bias', 'mean', 'var'][i]}`, t));
    return c.g.node('BatchNormalization', [c.inputs[0], ...names], {
      name: c.layer.name,
      attributes: { epsilon: (c.config.epsilon as number | undefined) ?? 1e-3 },
    });
  },
  ReLU(c) {
    if (c.config.maxValue != null || (c.config.negativeSlope as number | undefined)) throw new Error(`${c.layer.name}: only plain ReLU is exported`);
    return c.g.node('Relu', c.inputs, { name: c.layer.name });
  },
  Activation(c) {
    return activation(c, c.inputs[0]);
  },
  MaxPooling2D(c) {
    checkChannelsLast(c);
    const kernel = pair(c.config.poolSize, 'poolSize');
    const strides = pair(c.config.strides ?? kernel, 'strides');
    const pads = c.config.padding === 'same' ? samePads(c, kernel, strides, [1, 1]) : [0, 0, 0, 0];
    return c.g.node('MaxPool', c.inputs, { name: c.layer.name, attributes: { kernel_shape: kernel, strides, pads } });
  },
  Concatenate(c) {
    const axis = (c.config.axis as number | undefined) ?? -1;
    if (axis !== -1 && axis !== 3) throw new Error(`${c.layer.name}: concatenation over axis ${axis} is not exported`);
    return c.g.node('Concat', c.inputs, { name: c.layer.name, attributes: { axis: 1 } });
  },
  Add(c) {
    let sum = c.inputs[0];
    for (let i = 1; i < c.inputs.length; i++) {
      sum = c.g.node('Add', [sum, c.inputs[i]], { name: i === c.inputs.length - 1 ? c.layer.name : `${c.layer.name}_${i}` });
    }
    return sum;
  },
  // Inference needs no dropout: the tensor passes through unchanged.
  Dropout: (c) => c.inputs[0],
};

/** Layer class names the exporter understands. */
export const exportableLayers = Object.keys(exporters);

/**
 * Converts a TF.js LayersModel (channels-last 2-D segmentation network, one input, one output) to an ONNX
 * model: input NCHW float32 [batch, c, h, w] with a dynamic batch, output NCHW. Throws an Error naming the
 * first layer or setting it cannot convert. Returns the serialised protobuf.
 */
export function exportOnnx(model: tf.LayersModel, options: OnnxExportOptions = {}): Uint8Array {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error('only single-input, single-output models are exported');
  const inputName = options.inputName ?? 'image';
  const outputName = options.outputName ?? 'probability';
  const g = graphBuilder();
  const names = new Map<number, string>();
  const inShape = model.inputs[0].shape;
  names.set(model.inputs[0].id, inputName);
  tf.tidy(() => {
    for (const layer of model.layers) {
      const className = layer.getClassName();
      if (className === 'InputLayer') continue;
      const exporter = exporters[className];
      if (!exporter) throw new Error(`layer ${layer.name} (${className}) has no ONNX export`);
      const node = firstNode(layer);
      const inputs = node.inputTensors.map((t) => {
        const name = names.get(t.id);
        if (!name) throw new Error(`layer ${layer.name}: input ${t.name} not produced yet`);
        return name;
      });
      const weights = layer.weights.map((w) => w.read());
      const out = exporter({
        g, layer, config: layer.getConfig() as LayerConfig, inputs, weights,
        inputShape: node.inputTensors[0].shape, outputShape: node.outputTensors[0].shape,
      });
      names.set(node.outputTensors[0].id, out);
    }
  });
  const outShape = model.outputs[0].shape;
  const last = names.get(model.outputs[0].id)!;
  // The graph output must be a node output with the published name.
  g.node('Identity', [last], { name: 'output', output: outputName });
  const valueInfo = (name: string, shape: (number | null)[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: onnx.TensorProto.DataType.FLOAT,
          shape: { dim: [{ dimParam: 'batch' }, ...[shape[3], shape[1], shape[2]].map((d) => (d === null ? { dimParam: 'size' } : { dimValue: d }))] },
        },
      },
    });
  const graph = onnx.GraphProto.create({
    name: model.name,
    node: g.nodes,
    initializer: g.initializers,
    input: [valueInfo(inputName, inShape)],
    output: [valueInfo(outputName, outShape)],
  });
  const proto = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: options.opset ?? 13 }],
    producerName: 'pleura',
    producerVersion: '1',
    docString: options.description ?? '',
    graph,
  });
  return onnx.ModelProto.encode(proto).finish();
}
