/** A model folder opened from disk (config.json, tokenizer files, onnx/…): never uploaded anywhere. */
import { useState } from 'react';
import { stripCommonFolder } from '../../core/folderPaths';
import type { Dtype, FolderFile } from '../../protocol/model';
import { loadModel } from '../../state/engineActions';
import { useSession } from '../../state/sessionStore';

/** Turns the browser's FileList (with webkitRelativePath) into model-relative files. */
export function folderFilesOf(fileList: FileList | readonly File[]): { name: string; files: FolderFile[] } {
  const list = Array.from(fileList);
  const relative = list.map((file) => file.webkitRelativePath || file.name);
  const { folderName, paths } = stripCommonFolder(relative);
  return { name: folderName ?? 'model folder', files: list.map((file, i) => ({ path: paths[i], blob: file })) };
}

export function FolderModel() {
  const loading = useSession((s) => s.load.status === 'loading');
  const [dtype, setDtype] = useState<Dtype>('auto');
  const onFiles = (fileList: FileList | null) => {
    if (!fileList || fileList.length === 0) return;
    const { name, files } = folderFilesOf(fileList);
    void loadModel({ source: { kind: 'folder', name, files }, dtype });
  };
  return (
    <section className="picker-section" aria-labelledby="folder-heading">
      <h3 id="folder-heading">Local folder</h3>
      <p className="muted">
        A transformers.js model folder: config.json, tokenizer.json, tokenizer_config.json and onnx/model*.onnx. The
        files stay on this device.
      </p>
      <div className="folder-form">
        <input
          type="file"
          data-testid="model.folder.input"
          disabled={loading}
          // React does not know the non-standard attribute: pass it through as a string.
          {...{ webkitdirectory: '', directory: '' }}
          multiple
          onChange={(event) => {
            onFiles(event.target.files);
            event.target.value = '';
          }}
        />
        <label>
          dtype
          <select value={dtype} onChange={(event) => setDtype(event.target.value as Dtype)}>
            {(['auto', 'fp32', 'q8', 'q4', 'fp16'] as Dtype[]).map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
      </div>
    </section>
  );
}
