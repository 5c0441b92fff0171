// Worker threads do not inherit the parent's module loader hooks: register tsx here, then load the job.
import { register } from 'tsx/esm/api';

register();
await import('./job-worker.ts');
