// What apiship records for an azure/functions target (plain JSON, never a secret value): a
// Flex Consumption function app, its plan, and the storage that holds its host state and its
// deployment package.

import type { FarmState, GroupState } from "./state.js";

/** The app setting that records which package the app runs, so read() can tell from the cloud. */
export const PACKAGE_SETTING = "APISHIP_PACKAGE_SHA256";
export const DEPLOYMENT_STORAGE_SETTING = "DEPLOYMENT_STORAGE_CONNECTION_STRING";
/** Settings apiship owns on a function app, never reported as the user's env. */
export const FUNCTION_RESERVED = new Set([
  "AzureWebJobsStorage",
  DEPLOYMENT_STORAGE_SETTING,
  PACKAGE_SETTING,
  "WEBSITES_PORT",
]);

export interface FunctionAppAttrs {
  resourceGroup: string;
  location: string;
  plan: string;
  storageAccount: string;
  container: string;
  /** functionAppConfig.runtime: "node|22", "python|3.12". */
  runtime: string;
  /** functionAppConfig.scaleAndConcurrency.instanceMemoryMB. */
  instanceMemoryMB: number;
  maximumInstanceCount: number;
  /** Always-ready instances of the HTTP trigger group. */
  alwaysReady: number;
  httpsOnly: boolean;
  env: Record<string, string>;
  secrets: Record<string, string>;
  keyVault: Record<string, string>;
  identity: boolean;
  /** sha256 (hex) of the deployment package. */
  codeSha256: string;
  tags: Record<string, string>;
}

export interface FunctionAppState extends FunctionAppAttrs {
  id: string;
  hostName: string;
  /** The Kudu (SCM) host OneDeploy is sent to. */
  scmHost: string;
  state?: string;
}

export interface StorageState {
  name: string;
  /** apiship created the account (the target names none of its own). */
  managed: boolean;
  tags: Record<string, string>;
}

export interface FunctionsState {
  name: string;
  subscription: string;
  resourceGroup: string;
  group?: GroupState;
  storage?: StorageState;
  /** Blob container of the deployment package. */
  container?: string;
  plan?: FarmState;
  app?: FunctionAppState;
  release?: string;
}
