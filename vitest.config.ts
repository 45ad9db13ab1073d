import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// Four projects: unit tests for node-side code, unit tests for the renderer in a DOM, integration tests
// with real workers / ONNX Runtime / TensorFlow.js, and end-to-end tests in Debian's Chromium.
export default defineConfig({
  test: {
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit-node',
          include: ['test/unit/shared/**/*.test.ts', 'test/unit/main/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        plugins: [vue()],
        test: {
          name: 'unit-web',
          include: ['test/unit/renderer/**/*.test.ts'],
          environment: 'happy-dom',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
