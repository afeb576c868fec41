/**
 * model.tar.gz, the archive SageMaker writes at the end of training and that hosting and batch
 * transform unpack: a gzip-compressed POSIX (ustar) tar of the files the algorithm left in
 * /opt/ml/model. Written with tar-stream so GNU tar, Python's tarfile and the SageMaker
 * containers all read it. In src/formats because both sides write it: the local cloud's jobs
 * (model.tar.gz) and the workflow (the scikit-learn container's sourcedir.tar.gz).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { extract, pack } from 'tar-stream';

export interface ModelFile {
  /** Path inside the archive, e.g. `model.json`. */
  name: string;
  data: Uint8Array;
}

export async function packModelTar(files: readonly ModelFile[], mtime = new Date()): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    archive.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const file of files) {
    await new Promise<void>((resolve, reject) => {
      archive.entry(
        { name: file.name, size: file.data.byteLength, mode: 0o644, mtime, type: 'file' },
        Buffer.from(file.data),
        (err) => (err ? reject(err) : resolve()),
      );
    });
  }
  archive.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

/** The regular files of a model.tar.gz (or of an uncompressed tar: gzip is detected). */
export async function unpackModelTar(bytes: Uint8Array): Promise<ModelFile[]> {
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const tar = gzipped ? gunzipSync(bytes) : Buffer.from(bytes);
  const reader = extract();
  const files: ModelFile[] = [];
  const done = new Promise<void>((resolve, reject) => {
    reader.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        // Archives made with `tar -C dir .` name files `./model.json`: normalise.
        if (header.type === 'file') files.push({ name: header.name.replace(/^\.\//, ''), data: Buffer.concat(chunks) });
        next();
      });
      stream.on('error', reject);
    });
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  reader.end(tar);
  await done;
  return files;
}
