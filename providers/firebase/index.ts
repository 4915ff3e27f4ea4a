import { defineProvider } from "../../src/core/provider.js";
import { functions } from "./functions.js";

export default defineProvider({
  id: "firebase",
  summary: "Firebase: Cloud Functions for Firebase, with an optional Hosting rewrite",
  targets: [functions],
});
