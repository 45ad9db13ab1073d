import { safeStorage } from 'electron';
import { PleuraError } from '../../src-shared/api/result';
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
      if (!usable()) throw new PleuraError('unsupported', 'No OS keychain is available to keep the PACS password; install a keyring (libsecret) or use serve mode with its 0600 settings file.');
      return safeStorage.encryptString(secret).toString('base64');
    },
    open(sealed) {
      try {
        return safeStorage.decryptString(Buffer.from(sealed, 'base64'));
      } catch {
        throw new PleuraError('unsupported', 'The stored PACS password cannot be read back from the OS keychain; enter it again.');
      }
    },
  };
}
