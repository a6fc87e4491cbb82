import { useEffect, useState } from 'preact/hooks';

/**
 * Views are addressed by the URL fragment (`#/service/payroll`), so the gateway serves one page and
 * needs no route of its own for each view, and a link to a view can be shared. Eight lines of
 * `hashchange` do what a router library would.
 */
export function useRoute(): string[] {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const changed = () => setHash(window.location.hash);
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}

export const href = (...parts: string[]): string => `#/${parts.map(encodeURIComponent).join('/')}`;
