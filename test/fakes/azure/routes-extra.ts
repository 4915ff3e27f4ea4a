// Routes of the Azure fake beyond Microsoft.Web and Microsoft.Resources: storage accounts and
// blob containers (Flex Consumption's deployment storage), AKS clusters and their user
// credentials, and a function app's OneDeploy endpoint (/__scm/<site>/api/publish).

import type { FakeRequest, FakeResponse } from "../_shared/server.js";
import type { FakeWorld } from "./world.js";

export type Route = [string, RegExp, (w: FakeWorld, req: FakeRequest, m: string[]) => FakeResponse];

export const EXTRA_ROUTES: Route[] = [];
