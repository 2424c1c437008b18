/**
 * wasi:filesystem with nothing preopened: get-directories is empty, so no descriptor can ever reach the guest;
 * the resource classes exist only because the glue names them.
 */
class Descriptor {}
class DirectoryEntryStream {}

export function filesystemInterfaces (): Record<string, object> {
  return {
    'wasi:filesystem/preopens': { getDirectories: () => [] },
    'wasi:filesystem/types': { Descriptor, DirectoryEntryStream, filesystemErrorCode: () => undefined }
  }
}
