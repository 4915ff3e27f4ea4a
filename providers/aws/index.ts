// The provider's platforms as descriptors; each one's behaviour is imported when a target first
// uses it (lazyTarget), so validating a manifest loads none of it.

import { defineProvider, lazyTarget } from "../../src/core/provider.js";
import { lambdaInfo } from "./lambda-info.js";
import { ecsFargateInfo } from "./ecs-fargate-info.js";

export default defineProvider({
  id: "aws",
  summary: "Amazon Web Services: Lambda functions and ECS on Fargate",
  targets: [
    lazyTarget(lambdaInfo, () => import("./lambda.js").then((m) => m.lambda)),
    lazyTarget(ecsFargateInfo, () => import("./ecs-fargate.js").then((m) => m.ecsFargate)),
  ],
});
