import { z } from 'zod';

/** How many severities increase and decrease move a status: the scale OK..CRITICAL has four steps. */
export const steps = z
  .number({ error: 'an integer from 1 to 4' })
  .int({ error: 'an integer from 1 to 4' })
  .min(1, { error: 'an integer from 1 to 4' })
  .max(4, { error: 'an integer from 1 to 4' });
