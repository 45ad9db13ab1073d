/**
 * Test-time augmentation (TTA): the network sees the image as is and mirrored left-right; the outputs are
 * mirrored back and averaged. Where the two disagree the model is unsure, which feeds the uncertainty map.
 * A horizontal flip is safe for chest films: lungs are roughly symmetric and the labels (right / left) are
 * assigned after averaging, from position, not by the network.
 */

/** One way of presenting the image to the network. */
export type TtaVariant = 'identity' | 'hflip';

/** The variants to run: identity alone, or identity and the horizontal flip. */
export function ttaVariants(options: { enabled: boolean }): TtaVariant[] {
  return options.enabled ? ['identity', 'hflip'] : ['identity'];
}

/**
 * The source column that variant `variant` shows at column `x` of a `widthPx`-wide image. A flip is its
 * own inverse, so the same mapping undoes it on the output.
 */
export function variantColumn(variant: TtaVariant, x: number, widthPx: number): number {
  return variant === 'hflip' ? widthPx - 1 - x : x;
}
