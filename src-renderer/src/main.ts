import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { apiKey, createApiClient } from './api/client';
import { createFileImporter, importerKey } from './api/upload';
import { createPleuraI18n } from './i18n';

const api = createApiClient();
const app = createApp(App);
// The client is provided before Pinia is used: stores inject it from the app context.
app.provide(apiKey, api);
app.provide(importerKey, createFileImporter(api));
app.use(createPinia());
app.use(createPleuraI18n());
app.mount('#app');
