import { useEffect, useState } from 'preact/hooks';

/** The current time, re-rendering every `everyMs` while mounted (one timer per component that asks). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
