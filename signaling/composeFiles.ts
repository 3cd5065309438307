// Files a setting names (CA certificates), read once while the node is
// composed. A file that cannot be read stops the start with one line naming
// the setting and the file (composeErrors.ts), never a stack trace.
import { readFile } from 'node:fs/promises';

export async function readSettingFile(setting: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw Object.assign(new Error(`${setting} ${file} cannot be read (${reason})`), {
      code: 'CONFIG_FILE_UNREADABLE',
    });
  }
}
