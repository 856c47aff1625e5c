/** The lab's selection and text, kept in localStorage between visits (texts over 100 kB are not kept). */
export interface LabPrefs {
  selected: string[];
  text: string;
}

/** The localStorage key (the bench sets a selection through it). */
export const LAB_PREFS_KEY = 'tokenscope.tokenizerLab.v1';
const MAX_KEPT_TEXT = 100_000;

export const DEFAULT_LAB_PREFS: LabPrefs = {
  selected: ['model', 'gpt2', 'llama-2'],
  text: 'Tokenizers cut 12345 apples 😀 in 2024: naïve café, こんにちは世界, नमस्ते दुनिया.\n\tindented code(x) += 3.14159;',
};

export function readLabPrefs(): LabPrefs {
  try {
    const stored = JSON.parse(localStorage.getItem(LAB_PREFS_KEY) ?? 'null') as Partial<LabPrefs> | null;
    return {
      selected: Array.isArray(stored?.selected)
        ? stored.selected.filter((s): s is string => typeof s === 'string')
        : DEFAULT_LAB_PREFS.selected,
      text: typeof stored?.text === 'string' ? stored.text : DEFAULT_LAB_PREFS.text,
    };
  } catch {
    return DEFAULT_LAB_PREFS;
  }
}

export function storeLabPrefs(prefs: LabPrefs): void {
  try {
    localStorage.setItem(
      LAB_PREFS_KEY,
      JSON.stringify({ selected: prefs.selected, text: prefs.text.length <= MAX_KEPT_TEXT ? prefs.text : '' }),
    );
  } catch {
    // Storage full or disabled: the lab still works, it just forgets.
  }
}
