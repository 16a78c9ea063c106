import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// `npm run dev -w @sluice/web` proxies the gateway (SLUICE_GATEWAY, default http://localhost:4000); the build is static files the gateway serves at `/`.
const gateway = process.env.SLUICE_GATEWAY ?? 'http://localhost:4000';

export default defineConfig({
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets', sourcemap: true },
  server: { proxy: { '/graphql': { target: gateway, ws: true } } },
});
