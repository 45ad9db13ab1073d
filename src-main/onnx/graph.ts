import type * as tf from '@tensorflow/tfjs';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

type AttributeValue = number | number[] | string;

/** Collects ONNX nodes and float initializers with unique names. */
export interface GraphBuilder {
  nodes: InstanceType<typeof onnx.NodeProto>[];
  initializers: InstanceType<typeof onnx.TensorProto>[];
  /** Adds a node; returns its (single) output name. Integer-valued numbers are INT attributes. */
  node(op: string, inputs: string[], options: { name: string; output?: string; attributes?: Record<string, AttributeValue> }): string;
  /** Adds a float32 initializer holding `tensor`'s values; returns its name. */
  initializer(name: string, tensor: tf.Tensor): string;
}

const floatAttributes = new Set(['epsilon', 'momentum', 'alpha', 'beta']);

function attribute(name: string, value: AttributeValue): InstanceType<typeof onnx.AttributeProto> {
  const Type = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return onnx.AttributeProto.create({ name, type: Type.STRING, s: new TextEncoder().encode(value) });
  if (Array.isArray(value)) return onnx.AttributeProto.create({ name, type: Type.INTS, ints: value });
  if (floatAttributes.has(name)) return onnx.AttributeProto.create({ name, type: Type.FLOAT, f: value });
  return onnx.AttributeProto.create({ name, type: Type.INT, i: value });
}

/** A fresh graph builder. */
export function graphBuilder(): GraphBuilder {
  const used = new Set<string>();
  const unique = (base: string) => {
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };
  const builder: GraphBuilder = {
    nodes: [],
    initializers: [],
    node(op, inputs, options) {
      const output = unique(options.output ?? `${options.name}_out`);
      builder.nodes.push(
        onnx.NodeProto.create({
          name: unique(`node_${options.name}`),
          opType: op,
          input: inputs,
          output: [output],
          attribute: Object.entries(options.attributes ?? {}).map(([key, value]) => attribute(key, value)),
        }),
      );
      return output;
    },
    initializer(name, tensor) {
      const unique_ = unique(name);
      const values = tensor.dataSync() as Float32Array;
      const raw = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
      builder.initializers.push(
        onnx.TensorProto.create({ name: unique_, dims: tensor.shape, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw }),
      );
      return unique_;
    },
  };
  return builder;
}
