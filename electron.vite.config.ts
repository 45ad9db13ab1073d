import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

// main: the Electron shell plus the CLI and the workers as separate entries (worker_threads need
// files of their own); preload: CommonJS, as sandboxed preloads must be; renderer: the Vue app.
export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: Object.fromEntries(
          Object.entries({
            index: 'src-main/app/main.ts',
            cli: 'src-main/cli/main.ts',
            'inference.worker': 'src-main/workers/inference.worker.ts',
            'training.worker': 'src-main/workers/training.worker.ts',
            'decode.worker': 'src-main/workers/decode.worker.ts',
          })
            .filter(([, file]) => existsSync(resolve(__dirname, file)))
            .map(([name, file]) => [name, resolve(__dirname, file)]),
        ),
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin({ exclude: ['zod'] })],
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    base: './',
    plugins: [vue()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
});
