import { defineProvider } from "../../src/core/provider.js";
import { aks } from "./aks.js";
import { appService } from "./app-service.js";
import { functions } from "./functions.js";

export default defineProvider({
  id: "azure",
  summary: "Microsoft Azure: Functions, App Service for containers, AKS",
  targets: [functions, appService, aks],
});
