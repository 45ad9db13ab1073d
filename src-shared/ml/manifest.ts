import { z } from 'zod';

/**
 * The model manifest (`models/<id>/model.json` beside `model.onnx`). It says how to feed the network
 * and how to read its output, so any ONNX segmentation model (PyTorch, MONAI, nnU-Net, Pleura's own
 * training) can be used without code changes. Units: pixels; intensities as stated in `normalisation`.
 */
/** A per-image intensity stretch (see `normalisation.perImage` of {@link modelManifestSchema}). */
export const perImageNormalisationSchema = z.object({
  kind: z.literal('percentile'),
  /** Percentile (0..100) of the image's intensities that becomes 0. */
  lowPercent: z.number().min(0).max(100),
  /** Percentile (0..100) that becomes 1; must be above `lowPercent`. */
  highPercent: z.number().min(0).max(100),
}).refine((v) => v.highPercent > v.lowPercent, 'perImage: highPercent must be above lowPercent');

/** A validated per-image normalisation. */
export type PerImageNormalisation = z.infer<typeof perImageNormalisationSchema>;

export const modelManifestSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'id: letters, digits, dot, dash, underscore'),
  version: z.string().min(1),
  name: z.string().min(1),
  description: z.string().optional(),
  file: z.string().default('model.onnx'),
  input: z.object({
    name: z.string().optional(),
    /** Network input size in pixels. */
    widthPx: z.number().int().positive(),
    heightPx: z.number().int().positive(),
    channels: z.union([z.literal(1), z.literal(3)]),
    layout: z.enum(['NCHW', 'NHWC']),
    /** stretch: resize to the input size; letterbox: keep aspect, centre, pad with `padValue`. */
    resize: z.enum(['stretch', 'letterbox']).default('stretch'),
    /** Letterbox padding in the 0..1 intensity domain, before (x - mean) / std (0 = black). */
    padValue: z.number().default(0),
  }),
  normalisation: z.object({
    /**
     * What the 0..1 intensities are taken from (always with air dark: MONOCHROME1 is inverted):
     * `display-8bit` the viewer's default rendering / 255 (models trained on 8-bit PNG exports: the usual
     * case), `raw-minmax` modality values scaled from the image's min..max, `window` the default window
     * (file preset, else automatic) at float precision.
     */
    from: z.enum(['display-8bit', 'raw-minmax', 'window']),
    /** Applied after mapping to 0..1: (x - mean[c]) / std[c]; one value serves every channel. 3-channel inputs get the grey replicated. */
    mean: z.array(z.number()).default([0]),
    std: z.array(z.number()).default([1]),
    /**
     * Optional per-image intensity normalisation, applied to the 0..1 content after `from` (and after the
     * resize to the network size), before mean/std: `percentile` maps the image's `lowPercent`..`highPercent`
     * percentiles linearly to 0..1 and clips, so washed-out and dark films reach the network at the same
     * contrast. Absent: no per-image step (every manifest written before it keeps its exact behaviour).
     */
    perImage: perImageNormalisationSchema.optional(),
  }),
  output: z.object({
    name: z.string().optional(),
    kind: z.enum(['probability', 'logit']),
    layout: z.enum(['NCHW', 'NHWC']).default('NCHW'),
    /**
     * Class names by output channel; a single channel means "lung vs background". With several, a class
     * named "background" gives lung = 1 - p(background), else the largest class probability is used;
     * `logit` outputs get a sigmoid (one channel) or a softmax across channels.
     */
    classes: z.array(z.string()).min(1),
    /** Lung where the TTA-mean probability, resized bilinearly to full resolution, is above this. */
    threshold: z.number().min(0).max(1).default(0.5),
  }),
  postprocess: z.object({
    keepLargestComponents: z.number().int().min(0).default(2),
    fillHoles: z.boolean().default(true),
    splitLeftRight: z.boolean().default(true),
  }).default({ keepLargestComponents: 2, fillHoles: true, splitLeftRight: true }),
  convention: z.enum(['adult-visible-lung', 'including-retrocardiac', 'unknown']).default('unknown'),
  training: z.object({
    data: z.array(z.string()).default([]),
    architecture: z.string().optional(),
    parameters: z.number().optional(),
    hyperParameters: z.record(z.string(), z.unknown()).optional(),
    backend: z.string().optional(),
    durationS: z.number().optional(),
    parent: z.string().nullable().optional(),
  }).default({ data: [] }),
  metrics: z.record(z.string(), z.record(z.string(), z.number())).default({}),
  createdAt: z.string(),
  licence: z.string().optional(),
});

/** A validated model manifest. */
export type ModelManifest = z.infer<typeof modelManifestSchema>;
