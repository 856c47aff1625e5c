/**
 * What the app starts before anything else: startApp.tsx imports this module first, and ES
 * modules run in import order, so the default model's load (in the worker the page's entry
 * started: src/worker/earlyWorker.ts) is asked for before React and the views are even
 * evaluated, and the precomputed first view is in the store before the first render.
 */
import { startEngine } from '../state/engineActions';
import { startFirstView } from '../state/nextTokenFirstView';
import { testApi } from './testApiFlag';

export const engineStarted = startEngine({ testApi });
startFirstView();
