/**
 * What the page starts before anything else: main.tsx imports this module first, and ES modules
 * run in import order, so the worker (and through it ONNX Runtime and the default model's files)
 * starts loading before React and the views are even evaluated, and the precomputed first view
 * is in the store before the first render.
 */
import { startEngine } from '../state/engineActions';
import { startFirstView } from '../state/nextTokenFirstView';

export const testApi = new URLSearchParams(location.search).get('testApi') === '1';

export const engineStarted = startEngine({ testApi });
startFirstView();
