import { safeStorage } from 'electron';
import { PleuraError } from '../../src-shared/api/result';
import { say } from '../../src-shared/api/text';
import type { SecretCodec } from '../services/pacs/connections';

/**
 * PACS passwords and tokens sealed with Electron's safeStorage: the OS keychain (macOS Keychain,
 * Windows DPAPI, libsecret / kwallet on Linux) holds the key, the settings file only ciphertext.
 * Where no keychain is available (Linux with the 'basic_text' backend) saving a secret is refused
 * rather than stored in a form anyone can read back.
 */
export function safeStorageCodec(): SecretCodec {
  const usable = () => safeStorage.isEncryptionAvailable() && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text');
  return {
    kind: 'electron-safe-storage',
    seal(secret) {
      if (!usable()) throw new PleuraError('unsupported', say('pacs.noKeychain'));
      return safeStorage.encryptString(secret).toString('base64');
    },
    open(sealed) {
      try {
        return safeStorage.decryptString(Buffer.from(sealed, 'base64'));
      } catch {
        throw new PleuraError('unsupported', say('pacs.keychainUnreadable'));
      }
    },
  };
}
