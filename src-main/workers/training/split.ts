import * as tf from '@tensorflow/tfjs';

/**
 * Splits a segmentation network into a frozen encoder and a trainable decoder for fast fine-tuning: the
 * encoder is every layer the first up-sampling (Conv2DTranspose) depends on; its tensors that the rest of
 * the network reads (the skips and the bottleneck) become the decoder's inputs. Both models share the
 * original's layers, so training the decoder updates the original network's weights in place.
 */
export interface EncoderDecoder {
  /** Image -> the boundary features, in the order the decoder takes them. */
  encoder: tf.LayersModel;
  /** Boundary features -> probability map. */
  decoder: tf.LayersModel;
  /** Number of encoder layers (for logs). */
  frozenLayers: number;
}

interface GraphNode {
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
}

// A layer's first inbound node is the one its own model was built with; later splits add more nodes,
// after which `layer.input` is ambiguous, so the node is read directly.
function firstNode(layer: tf.layers.Layer): GraphNode {
  return (layer as unknown as { inboundNodes: GraphNode[] }).inboundNodes[0];
}

/** Builds the encoder/decoder pair; throws if the network has no transposed convolution. */
export function splitEncoderDecoder(model: tf.LayersModel): EncoderDecoder {
  const layers = model.layers;
  const inputsOf = new Map(layers.map((layer) => [layer, layer.getClassName() === 'InputLayer' ? [] : firstNode(layer).inputTensors]));
  const outputOf = new Map(layers.map((layer) => [layer, firstNode(layer).outputTensors[0]]));
  const producer = new Map<number, tf.layers.Layer>();
  for (const layer of layers) producer.set(outputOf.get(layer)!.id, layer);
  const firstUp = layers.find((layer) => layer.getClassName() === 'Conv2DTranspose');
  if (!firstUp) throw new Error('the network has no Conv2DTranspose: cannot tell its encoder from its decoder');
  const frozen = new Set<tf.layers.Layer>();
  const stack = inputsOf.get(firstUp)!.map((t) => producer.get(t.id)!);
  while (stack.length > 0) {
    const layer = stack.pop()!;
    if (frozen.has(layer)) continue;
    frozen.add(layer);
    for (const t of inputsOf.get(layer)!) stack.push(producer.get(t.id)!);
  }
  const trainable = layers.filter((layer) => !frozen.has(layer));
  const boundary: tf.SymbolicTensor[] = [];
  for (const layer of trainable) {
    for (const t of inputsOf.get(layer)!) {
      if (frozen.has(producer.get(t.id)!) && !boundary.some((b) => b.id === t.id)) boundary.push(t);
    }
  }
  const encoder = tf.model({ inputs: model.inputs, outputs: boundary, name: `${model.name}_encoder` });
  const decoderInputs = boundary.map((t, i) => tf.input({ shape: t.shape.slice(1) as number[], name: `feature_${i}` }));
  const mapped = new Map<number, tf.SymbolicTensor>(boundary.map((t, i) => [t.id, decoderInputs[i]]));
  for (const layer of trainable) {
    const inputs = inputsOf.get(layer)!.map((t) => mapped.get(t.id)!);
    const output = layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor;
    mapped.set(outputOf.get(layer)!.id, output);
  }
  const finalOutput = mapped.get((model.outputs[0]).id)!;
  const decoder = tf.model({ inputs: decoderInputs, outputs: finalOutput, name: `${model.name}_decoder` });
  return { encoder, decoder, frozenLayers: frozen.size };
}
