import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BatchMetrics } from './losses';

/** One epoch's summary: mean train loss and metrics, validation when there was a val set. */
export interface EpochRecord {
  epoch: number;
  loss: number;
  metrics: BatchMetrics;
  learningRate: number;
  validation?: { loss: number; metrics: BatchMetrics };
}

/** What a checkpoint needs besides the weights to resume: where the schedule and the monitor stood. */
export interface TrainerState {
  /** Epochs completed. */
  epoch: number;
  learningRate: number;
  best: number | null;
  bestEpoch: number;
  sinceBest: number;
  sinceLrChange: number;
  history: EpochRecord[];
}

/** Writes `state.json` into a checkpoint folder. */
export async function writeState(dir: string, state: TrainerState): Promise<void> {
  await writeFile(join(dir, 'state.json'), JSON.stringify(state, null, 1));
}

/** Reads `state.json`; null when the folder has none. */
export async function readState(dir: string): Promise<TrainerState | null> {
  const path = join(dir, 'state.json');
  if (!existsSync(path)) return null;
  return JSON.parse(await readFile(path, 'utf8')) as TrainerState;
}
