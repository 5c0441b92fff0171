/** Types of ./openblas-core.mjs (plain JavaScript: bin/dgr.js runs it before tsx's loader is registered). */
export declare const PINNED_CORE: string;
export declare function pinOpenBlasCore(env?: NodeJS.ProcessEnv): void;
