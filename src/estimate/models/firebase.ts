// Cloud Functions for Firebase: a 2nd gen Cloud Function (billed as a Cloud Run service), and,
// with `hosting`, a Firebase Hosting site whose rewrite sends matching requests to it. Every
// rewritten request is a Hosting request and a function invocation; Hosting bills the transfer.

import type { ColdStartProfileFn, CostModel, PlatformModel } from "../model.js";
import { optRecord, optString, regionCheck } from "../model.js";
import { cloudFunctionShape, runColdStart, runLines } from "./gcp.js";

const firebaseCost: CostModel = (ctx) => {
  regionCheck(ctx, "gcp.cloud-run.request-based.request", optString(ctx.options, "region") ?? "us-central1");
  ctx.assume("Cloud Functions for Firebase (2nd gen) are billed as Cloud Run services on the Blaze plan");
  const hosting = optRecord(ctx.options, "hosting");
  // With Hosting the responses leave through its CDN: Hosting's transfer price, not Google Cloud egress.
  const sized = runLines(
    { ...ctx, traffic: hosting ? { ...ctx.traffic, egressGb: undefined } : ctx.traffic } as typeof ctx,
    cloudFunctionShape(ctx),
  );
  if (hosting) {
    const gb = ctx.traffic.egressGb;
    if (gb !== undefined && gb > 0)
      ctx.bill.add({
        label: "Hosting data transfer",
        quantity: gb,
        priceId: "firebase.hosting.transfer",
        fixed: false,
      });
    else ctx.assume("no egressGb: Hosting's transfer is not priced");
    ctx.assume(
      "each rewritten request counts as a Hosting request and a function invocation; Hosting charges no per-request fee",
    );
  }
  return sized;
};

const firebaseColdStart: ColdStartProfileFn = (input) => runColdStart(cloudFunctionShape(input));

export const firebaseModels: PlatformModel[] = [
  { platform: "firebase/functions", cost: firebaseCost, coldStart: firebaseColdStart },
];
