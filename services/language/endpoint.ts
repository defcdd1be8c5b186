/**
 * The SDK refuses plain http unless told otherwise. We allow it only for a server on this machine (the tests'
 * stand-in for Azure AI Language): anywhere else the key would cross the network in clear.
 */
export function isLoopbackHttp(endpoint: string): boolean {
  try {
    const url = new URL(endpoint);
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}
