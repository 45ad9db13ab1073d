import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { apiKey, createApiClient } from './api/client';

const api = createApiClient();
const app = createApp(App);
app.use(createPinia());
app.provide(apiKey, api);
app.mount('#app');
