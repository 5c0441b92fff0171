// Worker threads do not inherit the parent's module loader hooks: register tsx here, then load the thread's part.
import { register } from 'tsx/esm/api';

register();
await import('./arm-thread.ts');
