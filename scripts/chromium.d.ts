/** Types of scripts/chromium.js, for the TypeScript specs. */
export declare const CHROMIUM_PATH: string;
export declare const CHROMIUM_ARGS: readonly string[];
