import { defineProvider } from "../../src/core/provider.js";
import { ecsFargate } from "./ecs-fargate.js";
import { lambda } from "./lambda.js";

export default defineProvider({
  id: "aws",
  summary: "Amazon Web Services: Lambda functions and ECS on Fargate",
  targets: [lambda, ecsFargate],
});
