// Types of app.mjs for TypeScript callers (the conformance suite, the build step).
export type FetchHandler = (request: Request) => Response | Promise<Response>;
export declare function resolveFetch(mod: unknown): FetchHandler;
export declare function callApp(fetchApp: FetchHandler, request: Request): Promise<Response>;
