/** Whether the page was opened with `?testApi=1` (tests and the benchmark drive the app through window.__tokenscope). */
export const testApi = new URLSearchParams(location.search).get('testApi') === '1';
