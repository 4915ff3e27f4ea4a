// What the state records for a kubernetes/kubernetes target: plain JSON, no SDK types.

import type { ObjectKind } from "./manifests.js";

export interface KubeObjectState {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  uid?: string;
  /** metadata.generation after the apply: bumped by the server on every spec change. */
  generation?: number;
  /** The plan attributes of the object (manifests.ts attributesOf), compared by the next plan. */
  attributes: Record<string, unknown>;
}

export interface KubeState {
  /** The target's physical base name. */
  name: string;
  /** Where the objects live: read() looks here even after the target's namespace changed. */
  namespace: string;
  objects: Partial<Record<ObjectKind, KubeObjectState>>;
  endpoint?: string;
  /** The Deployment's generation: the cluster's release counter. */
  release?: string;
}
